import { KllDoublesSketch } from "@sketchlog/sketches"
import { normals } from "@sketchlog/test-fixtures"
import { describe, expect, it } from "vitest"
import {
  categoricalHellinger,
  finiteRange,
  hellingerDistance,
  histogramEdges,
  kllHistogram,
  numericHellinger,
} from "../src/drift/index.js"

const sketchOf = (values: ReadonlyArray<number>) => {
  const sketch = new KllDoublesSketch(1024)
  for (const v of values) sketch.update(v)
  return sketch
}

describe("histogram buckets as whylogs' _calculate_bins cuts them", () => {
  // Expected edges printed by whylogs' `_calculate_bins(end, start, n, 4, 30, 2)`.
  it("sizes buckets by n (4 per bucket, 2 to 30) and nudges the end past the maximum", () => {
    const tenths = histogramEdges(0, 10, 1000)
    expect(tenths).toHaveLength(31)
    expect(tenths[1]).toBe(0.33333336666666663)
    expect(tenths[30]).toBe(10.000001)
    expect(histogramEdges(-3, 5, 17)).toEqual([
      -3.0, -1.3999999000000003, 0.2000001999999994, 1.8000002999999989, 3.400000399999999, 5.000000499999999,
    ])
    expect(histogramEdges(-2.5, 0, 3)).toEqual([-2.5, -1.24999995, 9.999999983634211e-8])
  })

  it("merges buckets narrower than float32 can tell apart, as whylogs does", () => {
    const edges = histogramEdges(1e6, 1e6 + 0.5, 100)
    expect(edges).toHaveLength(10)
    expect(edges[9]).toBe(1000000.60000005)
    expect(histogramEdges(3, 3, 50)).toEqual([3, 3.0000003])
  })

  it("counts every value of an exact sketch in its bucket", () => {
    const values = normals(7, 800, 10, 3)
    const histogram = kllHistogram(sketchOf(values))!
    const expected = histogram.counts.map(
      (_, i) => values.filter((v) => v >= histogram.edges[i] && v < histogram.edges[i + 1]).length,
    )
    expect(histogram.counts.map(Math.round)).toEqual(expected)
    expect(histogram.counts.reduce((a, b) => a + b, 0)).toBeCloseTo(800, 9)
    expect(histogram.below + histogram.above).toBe(0)
  })

  it("keeps ±Infinity out of the edges and in the outer buckets", () => {
    const sketch = sketchOf([
      Number.NEGATIVE_INFINITY,
      1,
      2,
      3,
      4,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ])
    expect(finiteRange(sketch)).toEqual({ start: 1, end: 4 })
    const histogram = kllHistogram(sketch)!
    expect(histogram.below).toBe(1)
    expect(histogram.above).toBe(2)
    expect(finiteRange(sketchOf([Number.POSITIVE_INFINITY]))).toBeUndefined()
    expect(kllHistogram(new KllDoublesSketch(1024))).toBeUndefined()
  })
})

describe("Hellinger distance", () => {
  it("is 0 for equal distributions, 1 for disjoint ones, and √(1 − Σ√(pq)) between", () => {
    expect(hellingerDistance([0.2, 0.8], [0.2, 0.8])).toBe(0)
    expect(hellingerDistance([1, 0, 0], [0, 0.5, 0.5])).toBeCloseTo(1, 12)
    expect(hellingerDistance([0.5, 0.5], [1, 0])).toBeCloseTo(Math.sqrt(1 - Math.sqrt(0.5)), 12)
    // Counts instead of shares give the same distance.
    expect(hellingerDistance([5, 5], [30, 0])).toBeCloseTo(Math.sqrt(1 - Math.sqrt(0.5)), 12)
  })

  it("on numbers equals the distance between the raw values' histograms over the shared buckets", () => {
    const a = normals(1, 900, 0, 1)
    const b = normals(2, 700, 0.8, 1.3)
    const result = numericHellinger(sketchOf(a), sketchOf(b))!
    // Shared buckets: whylogs' edges over both ranges, sized for all 1600 values (30 buckets).
    const all = [...a, ...b]
    const edges = histogramEdges(Math.min(...all), Math.max(...all), all.length)
    const share = (values: number[]) => [
      values.filter((v) => v < edges[0]).length,
      ...edges.slice(0, -1).map((e, i) => values.filter((v) => v >= e && v < edges[i + 1]).length),
      values.filter((v) => v >= edges[edges.length - 1]).length,
    ]
    expect(result.buckets).toBe(32)
    expect(result.distance).toBeCloseTo(hellingerDistance(share(a), share(b)), 12)
  })

  const item = (value: string, est: number) => ({ value, est, lower: est, upper: est })

  it("on categories pads missing items with 0 and pools the rest as 'other'", () => {
    const same = categoricalHellinger(
      { items: [item("a", 50), item("b", 50)], total: 100 },
      { items: [item("a", 5), item("b", 5)], total: 10 },
    )!
    expect(same.distance).toBe(0)
    const newCategory = categoricalHellinger(
      { items: [item("a", 50), item("b", 50)], total: 100 },
      { items: [item("a", 35), item("b", 35), item("z", 30)], total: 100 },
    )!
    expect(newCategory.buckets).toBe(4)
    expect(newCategory.distance).toBeCloseTo(Math.sqrt(1 - 2 * Math.sqrt(0.5 * 0.35)), 12)
    // Items that cover half the values: the other half is one bucket of its own.
    const partial = categoricalHellinger(
      { items: [item("a", 50)], total: 100 },
      { items: [item("a", 50)], total: 100 },
    )!
    expect(partial.distance).toBe(0)
    expect(categoricalHellinger({ items: [], total: 0 }, { items: [], total: 3 })).toBeUndefined()
  })

  it("pools values seen once on both sides, so two samples of unique ids do not look disjoint", () => {
    const ids = (from: number) => Array.from({ length: 50 }, (_, i) => item(`id-${from + i}`, 1))
    const unique = categoricalHellinger({ items: ids(0), total: 50 }, { items: ids(1000), total: 50 })!
    expect(unique.buckets).toBe(1)
    expect(unique.distance).toBe(0)
    // A value seen twice on one side is a category: it is compared.
    const repeated = categoricalHellinger(
      { items: [item("a", 2), ...ids(0).slice(2)], total: 50 },
      { items: [item("a", 1), ...ids(1000).slice(1)], total: 50 },
    )!
    expect(repeated.buckets).toBe(2)
    expect(repeated.distance).toBeCloseTo(hellingerDistance([2 / 50, 48 / 50], [1 / 50, 49 / 50]), 12)
  })
})
