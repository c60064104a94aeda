import { describe, expect, it } from "vitest"
import { KllCoin, KllDoublesSketch } from "../src/index.js"
import { sketchError } from "./sketchError.js"

const exact = (values: ReadonlyArray<number>, k = 200): KllDoublesSketch => {
  const sketch = new KllDoublesSketch(k, { coin: KllCoin.seeded(7) })
  for (const v of values) sketch.update(v)
  return sketch
}

const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1)

describe("KllDoublesSketch", () => {
  it("rejects k outside 8..65535 with a BadParameter error naming k", () => {
    for (const k of [0, 7, 65_536, 200.5, Number.NaN]) {
      const e = sketchError(() => new KllDoublesSketch(k))
      expect(e.reason).toBe("BadParameter")
      expect(e.message).toContain("k must be")
    }
    expect(new KllDoublesSketch(8).k).toBe(8)
    expect(new KllDoublesSketch(65_535).k).toBe(65_535)
    expect(new KllDoublesSketch().k).toBe(200)
  })

  it("ignores NaN updates entirely (same bytes as without them)", () => {
    const withNaN = new KllDoublesSketch(200, { coin: KllCoin.deterministic(0) })
    const without = new KllDoublesSketch(200, { coin: KllCoin.deterministic(0) })
    for (let i = 0; i < 5000; i++) {
      withNaN.update(Number.NaN)
      withNaN.update(i)
      without.update(i)
    }
    expect(withNaN.n).toBe(5000)
    expect(withNaN.toBytes()).toEqual(without.toBytes())
    const onlyNaN = exact([Number.NaN, Number.NaN])
    expect(onlyNaN.isEmpty).toBe(true)
    expect(onlyNaN.n).toBe(0)
  })

  it("keeps infinities as items", () => {
    const s = exact([Number.NEGATIVE_INFINITY, 1, Number.POSITIVE_INFINITY])
    expect(s.min).toBe(Number.NEGATIVE_INFINITY)
    expect(s.max).toBe(Number.POSITIVE_INFINITY)
    expect(s.getQuantile(0.5)).toBe(1)
    expect(KllDoublesSketch.fromBytes(s.toBytes()).getQuantile(0.9)).toBe(Number.POSITIVE_INFINITY)
  })

  it("answers NaN (quantiles, ranks, min, max) and [] (CDF, PMF) when empty", () => {
    const s = new KllDoublesSketch()
    expect(s.isEmpty).toBe(true)
    expect(s.numRetained).toBe(0)
    expect(s.isEstimationMode).toBe(false)
    expect(s.min).toBeNaN()
    expect(s.max).toBeNaN()
    expect(s.getQuantile(0.5)).toBeNaN()
    expect(s.getQuantile(0.5, { rule: "v5" })).toBeNaN()
    expect(s.getQuantiles([0, 1])).toEqual([Number.NaN, Number.NaN])
    expect(s.getRank(3)).toBeNaN()
    expect(s.getCDF([1, 2])).toEqual([])
    expect(s.getPMF([1, 2])).toEqual([])
  })

  it("validates ranks and split points", () => {
    const s = exact(oneTo(10))
    for (const rank of [-0.1, 1.1, Number.NaN]) {
      const e = sketchError(() => s.getQuantile(rank))
      expect(e.reason).toBe("BadParameter")
      expect(e.message).toContain("rank must be in [0, 1]")
    }
    expect(sketchError(() => s.getCDF([2, 1])).message).toContain("strictly increasing")
    expect(sketchError(() => s.getCDF([1, 1])).message).toContain("strictly increasing")
    expect(sketchError(() => s.getPMF([Number.NaN])).message).toContain("NaN")
    expect(s.getRank(Number.NaN)).toBeNaN()
  })

  it("whylogs rule (default): exclusive cumulative weights, w = trunc(rank·n), exact min and max at 0 and 1", () => {
    const s = exact(oneTo(10))
    // weights before each item: 0..9; rank .35 → w = 3 → the first item with 3 before it, i.e. 4
    expect(s.getQuantile(0.35)).toBe(4)
    expect(s.getQuantile(0.35, { inclusive: true })).toBe(3)
    expect(s.getQuantile(0)).toBe(1)
    expect(s.getQuantile(1)).toBe(10)
    expect(s.getQuantile(0.999)).toBe(10)
    expect(s.getQuantiles([0.1, 0.5, 0.9])).toEqual([2, 6, 10])
  })

  it("whylogs rule returns the exact min and max at ranks 0 and 1 even when they were compacted away", () => {
    const s = new KllDoublesSketch(8, { coin: KllCoin.seeded(1) })
    for (let i = 1; i <= 10_000; i++) s.update(i)
    expect(s.isEstimationMode).toBe(true)
    expect(s.getQuantile(0)).toBe(1)
    expect(s.getQuantile(1)).toBe(10_000)
    // v5 takes no shortcut: its rank 0 is the smallest retained item
    expect(s.getQuantile(0, { rule: "v5" })).toBeGreaterThanOrEqual(1)
  })

  it("v5 rule: inclusive by default, ceil for inclusive, first weight above trunc for exclusive", () => {
    const s = exact(oneTo(10))
    expect(s.getQuantile(0.35, { rule: "v5" })).toBe(4) // ceil(3.5) = 4 → item 4
    expect(s.getQuantile(0.3, { rule: "v5" })).toBe(3)
    expect(s.getQuantile(0.3, { rule: "v5", inclusive: false })).toBe(4)
    expect(s.getQuantile(0, { rule: "v5", inclusive: true })).toBe(1)
    expect(s.getQuantile(1, { rule: "v5", inclusive: false })).toBe(10)
    const v5 = exact(oneTo(10), 200)
    const byDefault = KllDoublesSketch.fromBytes(v5.toBytes(), { rule: "v5" })
    expect(byDefault.getQuantile(0.3)).toBe(3)
    expect(byDefault.getQuantile(0.3, { rule: "whylogs" })).toBe(4)
  })

  it("ranks, CDF and PMF count the weight below (or at) each split point", () => {
    const s = exact(oneTo(10))
    expect(s.getRank(3)).toBe(0.2)
    expect(s.getRank(3, { inclusive: true })).toBe(0.3)
    expect(s.getRank(0)).toBe(0)
    expect(s.getRank(11)).toBe(1)
    expect(s.getCDF([3, 7])).toEqual([0.2, 0.6, 1])
    expect(s.getCDF([3, 7], { inclusive: true })).toEqual([0.3, 0.7, 1])
    expect(s.getPMF([3, 7])).toEqual([0.2, 0.4, 0.4])
    expect(s.getPMF([3, 7], { rule: "v5", inclusive: false })).toEqual([0.2, 0.6 - 0.2, 1 - 0.6])
    expect(s.getPMF([3, 7], { rule: "v5" })).toEqual([0.3, 0.7 - 0.3, 1 - 0.7])
  })

  it("weights items by 2^level once compacted", () => {
    const s = new KllDoublesSketch(8, { coin: KllCoin.deterministic(0) })
    for (let i = 1; i <= 1000; i++) s.update(i)
    expect(s.numRetained).toBeLessThan(100)
    const cdf = s.getCDF([250, 500, 750])
    expect(cdf[3]).toBe(1)
    for (let i = 0; i < 3; i++) expect(Math.abs(cdf[i]! - (i + 1) / 4)).toBeLessThan(0.15)
  })

  it("a query sorts level zero in place and marks it, like the reference", () => {
    const s = exact([3, 1, 2])
    expect(s.toBytes()[3]).toBe(0)
    s.getRank(2)
    expect(s.toBytes()[3]).toBe(2)
    s.update(0)
    expect(s.toBytes()[3]).toBe(0)
  })

  it("-0 and 0 are equal items whose order follows insertion, as in the reference", () => {
    const s = exact([-0, 0, -1.5, 1e300, -1e-300, 3.25], 1024)
    expect(Object.is(s.getQuantile(0.5, { rule: "v5" }), 0)).toBe(true)
    expect(Object.is(s.getQuantile(0.5, { rule: "v5", inclusive: false }), -0)).toBe(true)
    expect(s.getRank(0, { inclusive: true })).toBe(s.getRank(-0, { inclusive: true }))
  })

  describe("merge", () => {
    it("of exact sketches equals one sketch fed everything", () => {
      const a = exact(oneTo(50))
      const b = exact(oneTo(100).slice(50))
      a.merge(b)
      const all = exact(oneTo(100))
      expect(a.n).toBe(100)
      expect(a.min).toBe(1)
      expect(a.max).toBe(100)
      const ranks = [0, 0.1, 0.33, 0.5, 0.77, 1]
      expect(a.getQuantiles(ranks)).toEqual(all.getQuantiles(ranks))
      expect(a.getQuantiles(ranks, { rule: "v5" })).toEqual(all.getQuantiles(ranks, { rule: "v5" }))
    })

    it("with an empty sketch changes nothing, and into an empty sketch copies the other", () => {
      const a = exact(oneTo(1000))
      const before = a.toBytes()
      a.merge(new KllDoublesSketch(200))
      expect(a.toBytes()).toEqual(before)
      const empty = new KllDoublesSketch(200, { coin: KllCoin.seeded(7) })
      empty.merge(a)
      expect(empty.n).toBe(1000)
      expect(empty.min).toBe(1)
      expect(empty.max).toBe(1000)
      expect(empty.getQuantile(0.5)).toBeCloseTo(a.getQuantile(0.5), -2)
    })

    it("with itself doubles every weight", () => {
      const a = exact(oneTo(10))
      a.merge(a)
      expect(a.n).toBe(20)
      expect(a.getRank(5, { inclusive: true })).toBe(0.5)
    })

    it("keeps k and tracks the smaller k of estimation-mode inputs for the error bound", () => {
      const big = new KllDoublesSketch(400, { coin: KllCoin.seeded(1) })
      const small = new KllDoublesSketch(50, { coin: KllCoin.seeded(2) })
      const smallExact = new KllDoublesSketch(20, { coin: KllCoin.seeded(3) })
      for (let i = 0; i < 10_000; i++) small.update(i)
      for (let i = 0; i < 10; i++) smallExact.update(i)
      big.merge(smallExact)
      expect(big.minK).toBe(400) // an exact sketch adds no error
      big.merge(small)
      expect(big.k).toBe(400)
      expect(big.minK).toBe(50)
      expect(big.normalizedRankError()).toBe(KllDoublesSketch.normalizedRankError(50))
      expect(big.n).toBe(10_010)
      const decoded = KllDoublesSketch.fromBytes(big.toBytes())
      expect(decoded.minK).toBe(50)
      expect(decoded.k).toBe(400)
    })

    it("stays within the capacity of its k however many sketches are merged", () => {
      const total = new KllDoublesSketch(200, { coin: KllCoin.seeded(5) })
      for (let s = 0; s < 200; s++) {
        const part = new KllDoublesSketch(200, { coin: KllCoin.seeded(100 + s) })
        for (let i = 0; i < 5000; i++) part.update(s * 5000 + i)
        total.merge(part)
      }
      expect(total.n).toBe(1_000_000)
      expect(total.numRetained).toBeLessThan(3 * 200 + 8 * 20)
      expect(total.min).toBe(0)
      expect(total.max).toBe(999_999)
    })
  })

  it("copy() is independent of the original", () => {
    const a = exact(oneTo(100))
    const b = a.copy()
    b.update(1000)
    expect(a.n).toBe(100)
    expect(b.n).toBe(101)
    expect(a.max).toBe(100)
  })

  it("normalizedRankError follows DataSketches' fitted constants", () => {
    expect(KllDoublesSketch.normalizedRankError(200)).toBeCloseTo(0.013294757464848584, 15)
    expect(KllDoublesSketch.normalizedRankError(200, true)).toBeCloseTo(2.446 / 200 ** 0.9433, 15)
    expect(new KllDoublesSketch(1024).normalizedRankError()).toBeCloseTo(0.0027167972933084344, 15)
  })
})
