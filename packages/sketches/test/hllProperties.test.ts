import { HllSketch, type HllTargetType, HllUnion } from "@sketchlog/sketches"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const TYPES: Array<HllTargetType> = ["HLL_4", "HLL_6", "HLL_8"]

/** Tallies how often the truth falls inside the 1σ and 3σ bounds. */
class Coverage {
  runs = 0
  inside1 = 0
  outside3: Array<string> = []
  record(
    sketch: { lowerBound(d: 1 | 3): number; upperBound(d: 1 | 3): number; estimate: number },
    truth: number,
    label: string,
  ) {
    this.runs++
    if (sketch.lowerBound(1) <= truth && truth <= sketch.upperBound(1)) this.inside1++
    if (!(sketch.lowerBound(3) <= truth && truth <= sketch.upperBound(3))) {
      this.outside3.push(`${label}: truth ${truth}, estimate ${sketch.estimate}`)
    }
  }
}

/** Items drawn per run: int64s, doubles or strings from a random base, so every run sees fresh hashes. */
const feed = (sketch: HllSketch, kind: number, base: number, from: number, to: number) => {
  for (let i = from; i < to; i++) {
    if (kind === 0) sketch.updateInt64(base + i)
    else if (kind === 1) sketch.updateDouble((base + i) / 8)
    else sketch.updateString(`${base}:${i}`)
  }
}

describe("accuracy (fast-check, fixed seeds)", () => {
  it("single sketches: the true count lies within the sketch's own 3σ bounds", () => {
    const hll = new Coverage()
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 14 }),
        fc.constantFrom(...TYPES),
        fc.oneof(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 500, max: 60000 })),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 ** 45 }),
        (lgK, type, n, kind, base) => {
          const sketch = new HllSketch(lgK, type)
          feed(sketch, kind, base, 0, n)
          expect(sketch.lowerBound(3)).toBeLessThanOrEqual(sketch.estimate)
          expect(sketch.upperBound(3)).toBeGreaterThanOrEqual(sketch.estimate)
          if (sketch.mode === "HLL") hll.record(sketch, n, `lgK ${lgK} ${type} n ${n}`)
          else {
            // LIST/SET are exact up to rare 26-bit coupon collisions
            expect(sketch.lowerBound(3)).toBeLessThanOrEqual(n)
            expect(sketch.upperBound(3)).toBeGreaterThanOrEqual(n)
          }
        },
      ),
      { numRuns: 300, seed: 2024 },
    )
    expect(hll.outside3).toEqual([])
    // the 1σ bounds are ~68% intervals: neither vacuous nor too tight
    expect(hll.runs).toBeGreaterThan(100)
    expect(hll.inside1 / hll.runs).toBeGreaterThan(0.55)
    expect(hll.inside1 / hll.runs).toBeLessThan(0.85)
  })

  it("unions of many sketches (mixed lgK and types, overlapping inputs) keep the 3σ guarantee", () => {
    const coverage = new Coverage()
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 13 }),
        fc.array(
          fc.tuple(
            fc.integer({ min: 4, max: 14 }),
            fc.constantFrom(...TYPES),
            fc.integer({ min: 0, max: 20000 }),
          ),
          {
            minLength: 2,
            maxLength: 8,
          },
        ),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.constantFrom(...TYPES),
        (lgMaxK, parts, kind, base, resultType) => {
          const union = new HllUnion(lgMaxK)
          let next = 0
          let top = 0
          for (const [lgK, type, n] of parts) {
            const from = Math.max(0, next - (n >> 2)) // a quarter overlaps the previous input
            const sketch = new HllSketch(lgK, type)
            feed(sketch, kind, base, from, from + n)
            union.update(sketch)
            next = from + n
            top = Math.max(top, next)
          }
          const truth = top // inputs cover 0..top-1 without gaps
          const result = union.getResult(resultType)
          expect(result.lgK).toBeLessThanOrEqual(lgMaxK)
          coverage.record(result, truth, `lgMaxK ${lgMaxK} parts ${JSON.stringify(parts)}`)
        },
      ),
      { numRuns: 150, seed: 77 },
    )
    expect(coverage.outside3).toEqual([])
    expect(coverage.inside1 / coverage.runs).toBeGreaterThan(0.55)
  })
})

describe("canonical items (as DataSketches hashes them)", () => {
  it("counts int64 as number and bigint alike, and -0.0/0.0 and every NaN as one item each", () => {
    const s = new HllSketch(8)
    s.updateInt64(102)
    s.updateInt64(102n)
    s.updateInt64(-1)
    s.updateInt64(2n ** 64n - 1n) // the same 64 bits as -1
    expect(s.estimate).toBeCloseTo(2, 6)
    const d = new HllSketch(8)
    d.updateDouble(0)
    d.updateDouble(-0)
    d.updateDouble(Number.NaN)
    d.updateDouble(new Float64Array(new BigUint64Array([0x7ff0000000000123n]).buffer)[0]!) // another NaN
    expect(d.estimate).toBeCloseTo(2, 6)
  })

  it("keeps integers and doubles apart (1 and 1.0 are two items, as in whylogs)", () => {
    const s = new HllSketch(8)
    s.updateInt64(1)
    s.updateDouble(1)
    expect(s.estimate).toBeCloseTo(2, 6)
  })

  it("hashes a string as its UTF-8 bytes (including astral and unpaired surrogates) and ignores empties", () => {
    const texts = ["a", "é", "日本語", "emoji 😀", "lone \ud800 surrogate", "x".repeat(200), "ü".repeat(100)]
    for (const text of texts) {
      const viaString = new HllSketch(12)
      const viaBytes = new HllSketch(12)
      viaString.updateString(text)
      viaBytes.updateBytes(new TextEncoder().encode(text))
      expect(viaString.toCompactBytes()).toEqual(viaBytes.toCompactBytes())
    }
    const empty = new HllSketch(12)
    empty.updateString("")
    empty.updateBytes(new Uint8Array(0))
    expect(empty.isEmpty).toBe(true)
  })

  it("hashes strings of every length like their UTF-8 bytes, across growth of the reused encode buffer", () => {
    for (let length = 1; length <= 3000; length += length < 300 ? 1 : 97) {
      const text = "aé😀".repeat(length).slice(0, length)
      const viaString = new HllSketch(12)
      const viaBytes = new HllSketch(12)
      viaString.updateString(text)
      viaBytes.updateBytes(new TextEncoder().encode(text))
      expect([length, viaString.toCompactBytes()]).toEqual([length, viaBytes.toCompactBytes()])
    }
  })

  it("rejects int64 numbers that are not integers or out of range", () => {
    const s = new HllSketch()
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 63]) {
      expect(() => s.updateInt64(bad)).toThrow(/int64/)
    }
    expect(() => s.updateInt64(2n ** 64n)).toThrow(/64-bit/)
    s.updateInt64(-(2 ** 63))
    expect(s.estimate).toBeCloseTo(1, 6)
  })
})
