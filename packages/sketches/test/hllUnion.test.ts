import { HllSketch, type HllTargetType, HllUnion, SketchError } from "@sketchlog/sketches"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const TYPES: Array<HllTargetType> = ["HLL_4", "HLL_6", "HLL_8"]

const fill = (s: HllSketch, from: number, to: number) => {
  for (let i = from; i < to; i++) s.updateInt64(i)
  return s
}

/**
 * DataSketches' `basicUnion` (HllUnionTest.cpp): two disjoint sketches united with lgMaxK at most their
 * lgK give exactly the composite estimate of one sketch of lgK min(lgK1, lgK2, lgMaxK) fed everything.
 */
const basicUnion = (
  n1: number,
  n2: number,
  lgK1: number,
  lgK2: number,
  lgMaxK: number,
  type1: HllTargetType,
  type2: HllTargetType,
  resultType: HllTargetType,
) => {
  const h1 = fill(new HllSketch(lgK1, type1), 0, n1)
  const h2 = fill(new HllSketch(lgK2, type2), n1, n1 + n2)
  const control = fill(new HllSketch(Math.min(lgK1, lgK2, lgMaxK), resultType), 0, n1 + n2)
  const union = new HllUnion(lgMaxK)
  union.update(h1)
  union.update(h2)
  const result = union.getResult(resultType)
  expect(result.upperBound(2)).toBeGreaterThanOrEqual(result.compositeEstimate)
  expect(result.lowerBound(2)).toBeLessThanOrEqual(result.compositeEstimate)
  expect(result.compositeEstimate).toBe(control.compositeEstimate)
  expect(union.compositeEstimate).toBe(control.compositeEstimate)
  expect(result.lgK).toBe(control.lgK)
}

describe("HllUnion equals a single sketch fed everything (DataSketches' union test)", () => {
  it("around the LIST → HLL transition at lgK 7", () => {
    for (const [n1, n2] of [
      [7, 7],
      [8, 7],
      [7, 8],
      [8, 8],
      [7, 14],
    ]) {
      basicUnion(n1!, n2!, 7, 7, 7, "HLL_8", "HLL_8", "HLL_8")
    }
  })

  for (let i = 7; i <= 13; i++) {
    it(`around the SET → HLL transition at lgK ${i}, for equal and mixed lgK and every type`, () => {
      const n = ((1 << (i - 3)) * 3) / 4
      for (const [lgK1, lgK2] of [
        [i, i],
        [i, i + 1],
        [i + 1, i],
        [i + 1, i + 1],
      ]) {
        for (const [n1, n2] of [
          [n, n],
          [n + 2, n],
          [n, n + 2],
          [n + 2, n + 2],
        ]) {
          basicUnion(n1!, n2!, lgK1!, lgK2!, i, "HLL_8", "HLL_8", "HLL_8")
          basicUnion(n1!, n2!, lgK1!, lgK2!, i, TYPES[i % 3]!, TYPES[(i + 1) % 3]!, TYPES[(i + 2) % 3]!)
        }
      }
    })
  }

  it("for random sizes, types and lgK ≥ lgMaxK (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 12 }),
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 3 }),
            fc.constantFrom(...TYPES),
            fc.integer({ min: 0, max: 6000 }),
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        fc.constantFrom(...TYPES),
        (lgMaxK, parts, resultType) => {
          const union = new HllUnion(lgMaxK)
          const control = new HllSketch(lgMaxK, resultType)
          let next = 0
          for (const [extraLgK, type, n] of parts) {
            // overlapping ranges: each part starts halfway into the previous one
            const from = Math.max(0, next - (n >> 1))
            union.update(fill(new HllSketch(lgMaxK + extraLgK, type), from, from + n))
            fill(control, from, from + n)
            next = from + n
          }
          const result = union.getResult(resultType)
          expect(result.compositeEstimate).toBe(control.compositeEstimate)
          expect(result.mode).toBe(control.mode)
        },
      ),
      { numRuns: 60, seed: 99 },
    )
  })
})

describe("HllUnion", () => {
  it("converts its result to every type with the same estimate (DataSketches' conversion test)", () => {
    const sk1 = fill(new HllSketch(4, "HLL_8"), 0, 1 << 16)
    const sk2 = fill(new HllSketch(4, "HLL_8"), 1 << 16, 1 << 17)
    const union = new HllUnion(4)
    union.update(sk1)
    union.update(sk2)
    const estimates = TYPES.map((t) => union.getResult(t).estimate)
    expect(new Set(estimates).size).toBe(1)
    expect(union.getResult("HLL_8").isOutOfOrder).toBe(true)
  })

  it("estimates a 50% overlap of two 10^5 sketches within 2% (lgK 11, HLL_4)", () => {
    const a = fill(new HllSketch(11, "HLL_4"), 0, 100000)
    const b = fill(new HllSketch(11, "HLL_4"), 50000, 150000)
    const union = new HllUnion(11)
    union.update(a)
    union.update(b)
    expect(Math.abs(union.getResult("HLL_4").estimate / 150000 - 1)).toBeLessThan(0.02)
  })

  it("keeps one input's HIP estimate when that is all it holds, and turns out-of-order after a second", () => {
    const a = fill(new HllSketch(12, "HLL_4"), 0, 20000)
    const union = new HllUnion(12)
    union.update(a)
    expect(union.estimate).toBe(a.estimate)
    expect(union.getResult("HLL_4").isOutOfOrder).toBe(false)
    union.update(fill(new HllSketch(12, "HLL_6"), 10000, 30000))
    expect(union.getResult("HLL_4").isOutOfOrder).toBe(true)
    expect(union.estimate).toBe(union.compositeEstimate)
  })

  it("folds larger inputs down to lgMaxK and never loses an earlier input when doing so", () => {
    const union = new HllUnion(10)
    union.update(fill(new HllSketch(12, "HLL_4"), 0, 50000))
    union.update(fill(new HllSketch(12, "HLL_4"), 50000, 100000))
    const control = fill(new HllSketch(10, "HLL_8"), 0, 100000)
    expect(union.lgK).toBe(10)
    expect(union.compositeEstimate).toBe(control.compositeEstimate)
  })

  it("ignores empty sketches and reports emptiness", () => {
    const union = new HllUnion(12)
    union.update(new HllSketch(12))
    expect(union.isEmpty).toBe(true)
    expect(union.estimate).toBe(0)
    expect(union.getResult().isEmpty).toBe(true)
    union.update(fill(new HllSketch(8), 0, 3))
    expect(union.isEmpty).toBe(false)
    expect(union.getResult().mode).toBe("LIST")
  })

  it("leaves its inputs untouched", () => {
    const a = fill(new HllSketch(12, "HLL_8"), 0, 5000)
    const before = a.toUpdatableBytes()
    const union = new HllUnion(12)
    union.update(a)
    union.update(fill(new HllSketch(12, "HLL_8"), 1000, 9000))
    expect(a.toUpdatableBytes()).toEqual(before)
  })

  it("rejects lgMaxK outside 4..21", () => {
    expect(() => new HllUnion(3)).toThrow(SketchError)
    expect(() => new HllUnion(22)).toThrow(/lgMaxK/)
  })
})
