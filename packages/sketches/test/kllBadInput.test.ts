import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { KllCoin, KllDoublesSketch, SketchError, type SketchErrorReason } from "../src/index.js"
import { kllVector } from "./kllVectorFiles.js"

const sketchOf = (k: number, n: number): KllDoublesSketch => {
  const s = new KllDoublesSketch(k, { coin: KllCoin.seeded(11) })
  for (let i = 1; i <= n; i++) s.update(i)
  return s
}

const decodeError = (bytes: Uint8Array): SketchError => {
  try {
    KllDoublesSketch.fromBytes(bytes)
  } catch (e) {
    if (e instanceof SketchError) return e
    throw e
  }
  throw new Error("decoded without error")
}

const expectRejected = (bytes: Uint8Array, reason: SketchErrorReason, mentions: string) => {
  const e = decodeError(bytes)
  expect(e.sketch).toBe("KLL")
  expect(e.reason).toBe(reason)
  expect(e.message).toContain(mentions)
}

/** A copy with some bytes patched (little-endian fields). */
const patched = (bytes: Uint8Array, patch: (view: DataView) => void): Uint8Array => {
  const copy = bytes.slice()
  patch(new DataView(copy.buffer))
  return copy
}

const samples = {
  empty: () => sketchOf(200, 0).toBytes(),
  single: () => sketchOf(200, 1).toBytes(),
  exact: () => sketchOf(200, 50).toBytes(),
  standard: () => sketchOf(200, 5000).toBytes({ layout: "standard" }),
  whylogs: () => sketchOf(200, 5000).toBytes({ layout: "whylogs" }),
  // levels [98,196,197,(422)] at k = 200
  cpp1000: () => kllVector("cpp", "kll_double_n1000_cpp"),
}

describe("KLL rejects bad bytes with a SketchError that names the problem", () => {
  for (const [name, make] of Object.entries(samples)) {
    it(`every truncation of ${name} bytes is "Truncated"`, () => {
      const bytes = make()
      for (let len = 0; len < bytes.length; len++) {
        expectRejected(bytes.subarray(0, len), "Truncated", "needs")
      }
    })

    it(`${name} bytes with trailing bytes are "Oversized"`, () => {
      const bytes = make()
      for (const extra of [1, 8, 1000]) {
        const longer = new Uint8Array(bytes.length + extra)
        longer.set(bytes)
        expectRejected(longer, "Oversized", `input has ${longer.length}`)
      }
    })
  }

  it("wrong family, serVer, preInts and flags", () => {
    const full = samples.standard()
    const empty = samples.empty()
    const single = samples.single()
    expectRejected(
      patched(full, (v) => v.setUint8(2, 7)),
      "BadFamily",
      "family is 7",
    )
    for (const serVer of [0, 3, 255]) {
      expectRejected(
        patched(full, (v) => v.setUint8(1, serVer)),
        "BadVersion",
        `serVer is ${serVer}`,
      )
    }
    for (const preInts of [0, 2, 4, 7]) {
      expectRejected(
        patched(full, (v) => v.setUint8(0, preInts)),
        "BadPreamble",
        `preInts is ${preInts}`,
      )
    }
    expectRejected(
      patched(empty, (v) => v.setUint8(0, 5)),
      "BadPreamble",
      "empty or single-item",
    )
    expectRejected(
      patched(single, (v) => v.setUint8(0, 6)),
      "BadPreamble",
      "empty or single-item",
    )
    expectRejected(
      patched(full, (v) => v.setUint8(3, 0x08)),
      "BadFlags",
      "unknown bits",
    )
    expectRejected(
      patched(empty, (v) => v.setUint8(3, 0x05)),
      "BadFlags",
      "both empty and single",
    )
  })

  it("k, m and minK out of range", () => {
    const full = samples.standard()
    for (const k of [0, 7]) {
      expectRejected(
        patched(full, (v) => v.setUint16(4, k, true)),
        "BadParameter",
        `k is ${k}`,
      )
      expectRejected(
        patched(samples.empty(), (v) => v.setUint16(4, k, true)),
        "BadParameter",
        `k is ${k}`,
      )
    }
    for (const m of [0, 4, 9]) {
      expectRejected(
        patched(full, (v) => v.setUint8(6, m)),
        "BadParameter",
        `m is ${m}`,
      )
    }
    expectRejected(
      patched(full, (v) => v.setUint16(16, 201, true)),
      "BadParameter",
      "minK is 201",
    )
    expectRejected(
      patched(full, (v) => v.setUint16(16, 7, true)),
      "BadParameter",
      "minK is 7",
    )
  })

  it("level offsets out of order, past the end, or a level count that n cannot have", () => {
    const cpp = samples.cpp1000() // levels 98, 196, 197 from byte 20; capacity 422
    expectRejected(
      patched(cpp, (v) => v.setUint32(24, 90, true)),
      "Corrupt",
      "out of order",
    )
    expectRejected(
      patched(cpp, (v) => v.setUint32(20, 423, true)),
      "Corrupt",
      "past the end",
    )
    expectRejected(
      patched(cpp, (v) => v.setUint32(28, 0xffffffff, true)),
      "Corrupt",
      "past the end",
    )
    expectRejected(
      patched(cpp, (v) => v.setUint8(18, 0)),
      "Corrupt",
      "numLevels is 0",
    )
    expectRejected(
      patched(cpp, (v) => v.setUint8(18, 62)),
      "Corrupt",
      "numLevels is 62",
    )
    // 12 levels need n ≥ 2^11
    expectRejected(
      patched(samples.exact(), (v) => v.setUint8(18, 12)),
      "Corrupt",
      "numLevels is 12",
    )
  })

  it("n that disagrees with the level weights, or does not fit a double", () => {
    const cpp = samples.cpp1000()
    expectRejected(
      patched(cpp, (v) => v.setUint32(8, 999, true)),
      "Corrupt",
      "total weight",
    )
    expectRejected(
      patched(cpp, (v) => v.setUint32(8, 0, true)),
      "Corrupt",
      "n is 0",
    )
    expectRejected(
      patched(cpp, (v) => v.setUint32(12, 0x00400000, true)),
      "Corrupt",
      "beyond 2^53",
    )
  })

  it("NaN or out-of-range items and unsorted levels", () => {
    const cpp = samples.cpp1000()
    const itemsAt = 20 + 3 * 4 + 16
    expectRejected(
      patched(cpp, (v) => v.setFloat64(itemsAt, Number.NaN, true)),
      "Corrupt",
      "item 0",
    )
    expectRejected(
      patched(cpp, (v) => v.setFloat64(itemsAt + 8, 5000, true)),
      "Corrupt",
      "outside [min, max]",
    )
    expectRejected(
      patched(cpp, (v) => v.setFloat64(20 + 12, Number.NaN, true)),
      "Corrupt",
      "min NaN",
    )
    // Levels [98,196,197,(422)]: the bytes hold level 0 as items 0..97, level 1 as item 98, level 2 from 99.
    const level2Second = itemsAt + 8 * 100
    expectRejected(
      patched(cpp, (v) => v.setFloat64(level2Second, 999, true)),
      "Corrupt",
      "level 2 is not sorted",
    )
    expectRejected(
      patched(samples.single(), (v) => v.setFloat64(8, Number.NaN, true)),
      "Corrupt",
      "NaN",
    )
  })

  it("the one-pass item check catches an item out of range or NaN at the edges of a sorted level", () => {
    const cpp = samples.cpp1000() // levels [98,196,197,(422)]; items from byte 48
    const itemsAt = 20 + 3 * 4 + 16
    const last = itemsAt + 8 * (422 - 98 - 1)
    const max = new DataView(cpp.buffer, cpp.byteOffset).getFloat64(20 + 12 + 8, true)
    expectRejected(
      patched(cpp, (v) => v.setFloat64(last, max + 1, true)),
      "Corrupt",
      "outside [min, max]",
    )
    expectRejected(
      patched(cpp, (v) => v.setFloat64(itemsAt + 8 * 99, -1, true)), // first item of level 2
      "Corrupt",
      "item 99 (-1) lies outside [min, max]",
    )
    expectRejected(
      patched(cpp, (v) => v.setFloat64(itemsAt + 8 * 200, Number.NaN, true)),
      "Corrupt",
      "item 200 (NaN)",
    )
  })

  it("a level zero flagged sorted but not sorted decodes with the flag dropped", () => {
    const s = new KllDoublesSketch(200, { coin: KllCoin.seeded(3) })
    for (const x of [5, 1, 4, 2, 3]) s.update(x)
    const flagged = patched(s.toBytes(), (v) => v.setUint8(3, v.getUint8(3) | 2))
    const decoded = KllDoublesSketch.fromBytes(flagged)
    expect(decoded.toBytes()[3]! & 2).toBe(0)
    expect(decoded.getQuantile(0.5)).toBe(3) // sorts level zero first, as for any unsorted sketch
  })

  it("random mutations either decode to a usable sketch or throw a SketchError, never anything else", () => {
    const bases = Object.values(samples).map((make) => make())
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bases.length - 1 }),
        // Half the edits land in the preamble and level offsets, where the interesting checks are.
        fc.array(
          fc.tuple(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.nat()), fc.integer({ min: 0, max: 255 })),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (which, edits) => {
          const bytes = bases[which]!.slice()
          for (const [at, value] of edits) bytes[at % bytes.length] = value
          let sketch: KllDoublesSketch
          try {
            sketch = KllDoublesSketch.fromBytes(bytes, { coin: KllCoin.seeded(1) })
          } catch (e) {
            expect(e).toBeInstanceOf(SketchError)
            return
          }
          // Whatever decoded must behave: query, keep updating (compactions), merge both ways.
          sketch.getQuantiles([0, 0.5, 1])
          for (let i = 0; i < 3000; i++) sketch.update(i)
          const before = sketch.n
          const other = sketchOf(64, 20_000)
          other.merge(sketch)
          expect(other.n).toBe(20_000 + before)
          sketch.merge(other)
          expect(sketch.n).toBe(before + other.n)
          KllDoublesSketch.fromBytes(sketch.toBytes({ layout: "whylogs" }))
        },
      ),
      { seed: 42, numRuns: 400 },
    )
  })

  it("random garbage never decodes into anything but a SketchError or a valid sketch", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (bytes) => {
        try {
          KllDoublesSketch.fromBytes(bytes)
        } catch (e) {
          expect(e).toBeInstanceOf(SketchError)
        }
      }),
      { seed: 7, numRuns: 2000 },
    )
  })
})
