import { HllSketch, type HllTargetType, SketchError } from "@sketchlog/sketches"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { sketchError } from "./sketchError.js"

const fill = (s: HllSketch, n: number) => {
  for (let i = 0; i < n; i++) s.updateInt64(i)
  return s
}

const decodeError = (bytes: Uint8Array) => sketchError(() => HllSketch.fromBytes(bytes))

const edit = (bytes: Uint8Array, f: (b: Uint8Array, v: DataView) => void) => {
  const copy = bytes.slice()
  f(copy, new DataView(copy.buffer))
  return copy
}

const images = (() => {
  const out: Array<[string, Uint8Array]> = []
  for (const type of ["HLL_4", "HLL_6", "HLL_8"] as Array<HllTargetType>) {
    for (const n of [0, 5, 100, 5000, 100000]) {
      const s = fill(new HllSketch(12, type), n)
      out.push(
        [`${type} ${s.mode} n=${n} compact`, s.toCompactBytes()],
        [`${type} ${s.mode} n=${n} updatable`, s.toUpdatableBytes()],
      )
    }
  }
  return out
})()

const list = fill(new HllSketch(12, "HLL_4"), 5).toCompactBytes()
const set = fill(new HllSketch(12, "HLL_4"), 100).toCompactBytes()
const setUpdatable = fill(new HllSketch(12, "HLL_4"), 100).toUpdatableBytes()
const hll4 = fill(new HllSketch(12, "HLL_4"), 100000).toCompactBytes() // has one aux entry
const hll8 = fill(new HllSketch(12, "HLL_8"), 5000).toCompactBytes()

describe("HllSketch.fromBytes rejects bad input with a SketchError naming the problem", () => {
  it.each(images)("every truncation of %s is Truncated", (_, bytes) => {
    for (let length = 0; length < bytes.length; length += length < 64 ? 1 : 97) {
      // an empty sketch may legitimately stop after its 8-byte preamble
      if (length === 8 && bytes[5]! & 4) continue
      expect([length, decodeError(bytes.subarray(0, length)).reason]).toEqual([length, "Truncated"])
    }
  })

  it.each(images)("%s with trailing bytes is Oversized", (_, bytes) => {
    const longer = new Uint8Array(bytes.length + 4)
    longer.set(bytes)
    const e = decodeError(longer)
    expect(e.reason).toBe("Oversized")
    expect(e.message).toMatch(/trailing bytes/)
  })

  it("names a wrong family, serialization version, preInts, mode, target type or lgK", () => {
    const cases: Array<[Uint8Array, SketchError["reason"], RegExp]> = [
      [edit(list, (b) => (b[2] = 15)), "BadFamily", /family id is 15, expected 7/],
      [edit(list, (b) => (b[1] = 2)), "BadVersion", /serialization version is 2/],
      [edit(hll4, (b) => (b[0] = 2)), "BadPreamble", /preInts is 2 but HLL mode needs 10/],
      [edit(set, (b) => (b[7] = 0)), "BadPreamble", /preInts is 3 but LIST mode needs 2/],
      [edit(list, (b) => (b[7] = 3)), "BadPreamble", /names no mode/],
      [edit(list, (b) => (b[7] = 0x0c)), "BadPreamble", /names no target type/],
      [edit(list, (b) => (b[3] = 3)), "BadPreamble", /lgK is 3, must be between 4 and 21/],
      [edit(list, (b) => (b[3] = 22)), "BadPreamble", /lgK is 22/],
      [edit(set, (b) => (b[3] = 7)), "BadPreamble", /SET mode needs lgK >= 8/],
    ]
    for (const [bytes, reason, message] of cases) {
      const e = decodeError(bytes)
      expect(e.reason).toBe(reason)
      expect(e.message).toMatch(message)
      expect(e._tag).toBe("SketchError")
      expect(e.sketch).toBe("HLL")
    }
  })

  it("rejects coupon counts beyond capacity and counts that point past the end", () => {
    expect(decodeError(edit(list, (b) => (b[6] = 8))).message).toMatch(
      /LIST count is 8, a list holds at most 7/,
    )
    expect(decodeError(edit(list, (b) => (b[6] = 6))).reason).toBe("Truncated")
    const overfull = decodeError(edit(set, (_, v) => v.setUint32(8, 385, true)))
    expect([overfull.reason, overfull.message]).toEqual([
      "Corrupt",
      expect.stringMatching(/SET count is 385, beyond the 384/),
    ])
    expect(decodeError(edit(set, (_, v) => v.setUint32(8, 101, true))).reason).toBe("Truncated")
    expect(decodeError(edit(set, (_, v) => v.setUint32(8, 0xffffffff, true))).reason).toBe("Corrupt")
  })

  it("rejects aux counts that point past the end or disagree with the registers", () => {
    const pastEnd = decodeError(edit(hll4, (_, v) => v.setUint32(36, 2, true)))
    expect([pastEnd.reason, pastEnd.message]).toEqual([
      "Truncated",
      expect.stringMatching(/with 2 aux entries needs 2096 bytes/),
    ])
    expect(decodeError(edit(hll4, (_, v) => v.setUint32(36, 0xffffffff, true))).message).toMatch(
      /aux count is 4294967295, beyond k/,
    )
    // drop the aux entry but keep its token in the registers
    const noAux = edit(hll4.subarray(0, hll4.length - 4), (_, v) => v.setUint32(36, 0, true))
    expect(decodeError(noAux).message).toMatch(/points into the aux table, which has no entry/)
    expect(decodeError(edit(hll8, (_, v) => v.setUint32(36, 1, true))).message).toMatch(
      /HLL_8 has no aux table/,
    )
  })

  it("rejects corrupt content: bad or repeated coupons, misplaced set entries, inconsistent registers", () => {
    expect(decodeError(edit(list, (_, v) => v.setUint32(12, 0, true))).message).toMatch(/invalid coupon/)
    expect(decodeError(edit(list, (_, v) => v.setUint32(12, v.getUint32(8, true), true))).message).toMatch(
      /twice/,
    )
    expect(decodeError(edit(set, (_, v) => v.setUint32(16, v.getUint32(12, true), true))).message).toMatch(
      /twice/,
    )
    // move an entry of the updatable table to an empty slot where the probe would never look
    const table = new DataView(setUpdatable.buffer, 12)
    const full = [...Array(setUpdatable.length / 4 - 3).keys()].find(
      (i) => table.getUint32(4 * i, true) !== 0,
    )!
    const empty = [...Array(setUpdatable.length / 4 - 3).keys()].find(
      (i) => table.getUint32(4 * i, true) === 0 && i > full + 1,
    )!
    const moved = edit(setUpdatable, (_, v) => {
      v.setUint32(12 + 4 * empty, v.getUint32(12 + 4 * full, true), true)
      v.setUint32(12 + 4 * full, 0, true)
    })
    expect(decodeError(moved).message).toMatch(/not where its coupon hashes to/)
    expect(decodeError(edit(hll8, (_, v) => v.setUint32(32, 7, true))).message).toMatch(
      /numAtCurMin 7 does not match/,
    )
    expect(decodeError(edit(hll8, (b) => (b[40] = 64))).message).toMatch(/register 0 is 64, beyond 63/)
    expect(decodeError(edit(hll8, (_, v) => v.setFloat64(16, Number.NaN, true))).message).toMatch(
      /kxq registers/,
    )
    expect(
      decodeError(edit(hll8, (_, v) => v.setFloat64(16, v.getFloat64(16, true) + 1, true))).message,
    ).toMatch(/do not match the registers/)
    expect(decodeError(edit(hll4, (_, v) => v.setUint32(32, 1, true))).message).toMatch(
      /numAtCurMin is 1 but/,
    )
    expect(decodeError(edit(hll4, (b) => (b[6] = 60))).reason).toBe("Corrupt")
  })

  it("a corrupt register nibble or aux entry is found by the one-pass register scan and named", () => {
    // registers start at byte 40, two per byte (low nibble = even slot); hll4 has one aux entry
    const nibble = (bytes: Uint8Array, slot: number) => (bytes[40 + (slot >>> 1)]! >>> ((slot & 1) * 4)) & 15
    const setNibble = (b: Uint8Array, slot: number, value: number) => {
      const at = 40 + (slot >>> 1)
      b[at] = slot & 1 ? (b[at]! & 0x0f) | (value << 4) : (b[at]! & 0xf0) | value
    }
    const auxEntry = new DataView(hll4.buffer, hll4.byteOffset).getUint32(hll4.length - 4, true)
    const auxSlot = auxEntry & 0x3ffffff
    const plain = [...Array(4096).keys()].find(
      (i) => i !== auxSlot && nibble(hll4, i) > 1 && nibble(hll4, i) < 14,
    )!
    // a token where the aux table has no entry
    expect(decodeError(edit(hll4, (b) => setNibble(b, plain, 15))).message).toMatch(
      new RegExp(`register ${plain} points into the aux table, which has no entry`),
    )
    // the aux entry's register no longer holds the token
    const noToken = decodeError(edit(hll4, (b) => setNibble(b, auxSlot, 3)))
    expect([noToken.reason, noToken.message]).toEqual([
      "Corrupt",
      expect.stringMatching(/0 HLL_4 registers use the aux table but it holds 1/),
    ])
    // an aux value that fits in a nibble (below curMin + 15)
    expect(
      decodeError(edit(hll4, (_, v) => v.setUint32(hll4.length - 4, (14 << 26) | auxSlot, true))).message,
    ).toMatch(/aux value 14 of register \d+ does not fit curMin/)
    // one register moved up by one: counts unchanged, so only Σ 2^-register (kxq) can tell
    expect(decodeError(edit(hll4, (b) => setNibble(b, plain, nibble(hll4, plain) + 1))).message).toMatch(
      /kxq registers .* do not match the registers/,
    )
    // a register set to curMin: one more at curMin than the header says
    expect(decodeError(edit(hll4, (b) => setNibble(b, plain, 0))).message).toMatch(/numAtCurMin is \d+ but/)
  })

  it("a curMin so high that a register passes 63 is named; one that merely disagrees fails the kxq check", () => {
    const noAux = fill(new HllSketch(12, "HLL_4"), 1000).toCompactBytes()
    expect(new DataView(noAux.buffer).getUint32(36, true)).toBe(0)
    const nibbles = [...noAux.subarray(40)].flatMap((b) => [b & 15, b >>> 4])
    const top = Math.max(...nibbles)
    expect(top).toBeLessThanOrEqual(13) // so curMin can reach 50 (where the scan defers to the walk)
    // every register still ≤ 63, but Σ 2^-register no longer matches kxq
    expect(decodeError(edit(noAux, (b) => (b[6] = 63 - top))).message).toMatch(/kxq registers/)
    // one more and the largest register passes 63
    const slot = nibbles.indexOf(top)
    expect(decodeError(edit(noAux, (b) => (b[6] = 64 - top))).message).toMatch(
      new RegExp(`HLL_4 register ${slot} is 64, beyond 63`),
    )
  })

  it("a truncated or inconsistent aux table is rejected, compact and updatable", () => {
    expect(decodeError(hll4.subarray(0, hll4.length - 2)).message).toMatch(
      /with 1 aux entries needs 2092 bytes but the input has 2090/,
    )
    // the one aux entry twice, with a count of two
    const twice = new Uint8Array(hll4.length + 4)
    twice.set(hll4)
    twice.set(hll4.subarray(hll4.length - 4), hll4.length)
    new DataView(twice.buffer).setUint32(36, 2, true)
    expect(decodeError(twice).message).toMatch(/aux table holds slot \d+ twice/)
    const updatable = fill(new HllSketch(12, "HLL_4"), 100000).toUpdatableBytes()
    expect(decodeError(updatable.subarray(0, updatable.length - 4)).reason).toBe("Truncated")
    expect(decodeError(edit(updatable, (_, v) => v.setUint32(36, 2, true))).message).toMatch(
      /aux count says 2 but the aux table holds 1/,
    )
  })

  it("random corruption never escapes as anything but a SketchError, and what decodes stays usable", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: images.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (which, edits) => {
          const bytes = images[which]![1].slice()
          for (const [at, value] of edits) bytes[at % Math.min(bytes.length, 48)] = value
          let sketch: HllSketch
          try {
            sketch = HllSketch.fromBytes(bytes)
          } catch (e) {
            expect(e).toBeInstanceOf(SketchError)
            return
          }
          const estimate = sketch.estimate
          expect(Number.isNaN(estimate)).toBe(false)
          for (let i = 0; i < 2000; i++) sketch.updateInt64(i * 7919)
          HllSketch.fromBytes(sketch.toUpdatableBytes())
          HllSketch.fromBytes(sketch.toCompactBytes())
        },
      ),
      { numRuns: 400, seed: 5 },
    )
  })
})

describe("bad arguments", () => {
  it("rejects lgK outside 4..21, unknown types and numStdDev outside 1..3", () => {
    expect(sketchError(() => new HllSketch(3)).message).toMatch(/lgK must be an integer from 4 to 21, got 3/)
    expect(sketchError(() => new HllSketch(12.5)).reason).toBe("BadParameter")
    expect(sketchError(() => new HllSketch(12, "HLL_5" as HllTargetType)).message).toMatch(
      /HLL_4, HLL_6 or HLL_8/,
    )
    const s = new HllSketch()
    expect(sketchError(() => s.lowerBound(0 as 1)).message).toMatch(/numStdDev must be 1, 2 or 3/)
    expect(sketchError(() => s.upperBound(4 as 1)).reason).toBe("BadParameter")
  })
})
