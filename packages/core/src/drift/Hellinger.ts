import type { KllDoublesSketch } from "@sketchlog/sketches"
import type { FrequentItem } from "../profile/metrics/FrequentItemsMetric.js"
import { DEFAULT_HISTOGRAM_CONFIG, type HistogramConfig, sharedHistogramEdges } from "./KllHistogram.js"

/**
 * The Hellinger distance between two discrete distributions over the same buckets:
 * ‖√p − √q‖₂ / √2, from 0 (identical) to 1 (disjoint). Each side is normalised to sum to 1 first,
 * so rounding in a sketch's masses cannot push the distance outside [0, 1].
 */
export const hellingerDistance = (p: ReadonlyArray<number>, q: ReadonlyArray<number>): number => {
  if (p.length !== q.length)
    throw new RangeError("hellingerDistance: both distributions need the same buckets")
  const sumP = p.reduce((a, b) => a + b, 0)
  const sumQ = q.reduce((a, b) => a + b, 0)
  if (!(sumP > 0) || !(sumQ > 0)) return Number.NaN
  let squares = 0
  for (let i = 0; i < p.length; i++) {
    const d = Math.sqrt(Math.max(p[i], 0) / sumP) - Math.sqrt(Math.max(q[i], 0) / sumQ)
    squares += d * d
  }
  return Math.min(1, Math.sqrt(squares / 2))
}

/** A Hellinger distance with the buckets it was computed over. */
export interface HellingerResult {
  readonly distance: number
  /** How many buckets the two distributions were compared over (edges + the two outer ones, or items). */
  readonly buckets: number
}

/**
 * whylogs' Hellinger drift for numbers: both KLL sketches cut at the same equal-width edges over
 * their common range (see `histogramEdges`), the distance taken over the full PMFs (the outer
 * buckets included). Undefined when either sketch is empty or holds no finite value.
 */
export const numericHellinger = (
  baseline: KllDoublesSketch,
  target: KllDoublesSketch,
  config: HistogramConfig = DEFAULT_HISTOGRAM_CONFIG,
): HellingerResult | undefined => {
  if (baseline.isEmpty || target.isEmpty) return undefined
  const edges = sharedHistogramEdges([baseline, target], config)
  if (edges === undefined) return undefined
  const p = baseline.getPMF(edges)
  const q = target.getPMF(edges)
  return { distance: hellingerDistance(p, q), buckets: p.length }
}

/** The text under which values that are not frequent items are pooled. */
export const OTHER_VALUES = "(other values)"

/**
 * The Hellinger distance between two categorical distributions given by frequent items: each side's
 * items as shares of its `total` (its non-null count), an item missing on one side counted as 0
 * there (whylogs' zero padding), and what the items do not cover pooled into one "other" bucket so
 * each side sums to 1. A value seen at most once on both sides is not a category but a one-off (an
 * id, a timestamp): it is pooled too, else a column of unique values would look disjoint from any
 * other sample of itself. Undefined when a side has no values.
 */
export const categoricalHellinger = (
  baseline: { readonly items: ReadonlyArray<FrequentItem>; readonly total: number },
  target: { readonly items: ReadonlyArray<FrequentItem>; readonly total: number },
): HellingerResult | undefined => {
  if (!(baseline.total > 0) || !(target.total > 0)) return undefined
  const values = new Map<string, [number, number]>()
  for (const item of baseline.items) values.set(item.value, [item.est, 0])
  for (const item of target.items) {
    const known = values.get(item.value)
    values.set(item.value, [known?.[0] ?? 0, item.est])
  }
  const p: number[] = []
  const q: number[] = []
  for (const [a, b] of values.values()) {
    if (Math.max(a, b) < 2) continue
    p.push(a / baseline.total)
    q.push(b / target.total)
  }
  const rest = (shares: ReadonlyArray<number>) => Math.max(0, 1 - shares.reduce((s, x) => s + x, 0))
  p.push(rest(p))
  q.push(rest(q))
  return { distance: hellingerDistance(p, q), buckets: p.length }
}
