import type { KllDoublesSketch } from "@sketchlog/sketches"

/**
 * How a KLL sketch is cut into equal-width buckets, as whylogs' profile visualizer and drift report
 * do it (`HistogramConfig`, `HellingerConfig`): about `avgPerBucket` values per bucket, between
 * `minBuckets` and `maxBuckets` buckets.
 */
export interface HistogramConfig {
  readonly maxBuckets: number
  readonly avgPerBucket: number
  readonly minBuckets: number
}

/** whylogs' defaults: at most 30 buckets, 4 values per bucket on average, at least 2 buckets. */
export const DEFAULT_HISTOGRAM_CONFIG: HistogramConfig = { maxBuckets: 30, avgPerBucket: 4, minBuckets: 2 }

/** Mantissa bits of a float32: whylogs widens buckets narrower than float32 can tell apart at their scale. */
const FLOAT32_MANTISSA_BITS = 23

/**
 * Bucket edges (`buckets + 1` strictly increasing values) over [start, end] for `n` values, by
 * whylogs' `_calculate_bins`: the end is nudged up by 1e-7 relative so the maximum falls inside the
 * last bucket, and buckets narrower than float32 precision at that magnitude are merged.
 */
export const histogramEdges = (
  start: number,
  end: number,
  n: number,
  config: HistogramConfig = DEFAULT_HISTOGRAM_CONFIG,
): ReadonlyArray<number> => {
  const top = end + (end !== 0 ? Math.abs(end) * 1e-7 : 1e-7)
  let buckets = Math.max(Math.min(Math.ceil(n / config.avgPerBucket), config.maxBuckets), config.minBuckets)
  let width = spanOver(start, top, buckets)
  const magnitude = Math.max(Math.abs(start), Math.abs(top))
  const minInterval = magnitude === 0 ? 0 : 2 ** (Math.floor(Math.log2(magnitude)) - FLOAT32_MANTISSA_BITS)
  if (width < minInterval) {
    buckets = Math.max(Math.floor((top - start) / minInterval), 1)
    width = spanOver(start, top, buckets)
  }
  const edges = new Array<number>(buckets + 1)
  for (let i = 0; i <= buckets; i++) edges[i] = start + i * width
  return edges
}

/** (end − start) / parts, as whylogs computes it, unless the subtraction overflows (ranges near ±MAX_VALUE). */
const spanOver = (start: number, end: number, parts: number): number => {
  const width = (end - start) / parts
  return Number.isFinite(width) ? width : end / parts - start / parts
}

/** A histogram of a sketch over given edges: masses below, inside and above them. */
export interface KllHistogram {
  /** Bucket edges, strictly increasing; bucket i is [edges[i], edges[i+1]). */
  readonly edges: ReadonlyArray<number>
  /** Estimated number of values in each bucket (`edges.length − 1` of them), not rounded. */
  readonly counts: ReadonlyArray<number>
  /** Estimated values below the first edge (−∞ and values outside a shared range). */
  readonly below: number
  /** Estimated values at or above the last edge (+∞ and values outside a shared range). */
  readonly above: number
  /** Values in the sketch. */
  readonly n: number
}

/**
 * The least and greatest finite values of a sketch (its min and max unless they are ±Infinity, then
 * the retained finite values next to the infinite ones), or undefined when it is empty or holds no
 * finite value.
 */
export const finiteRange = (sketch: KllDoublesSketch): { start: number; end: number } | undefined => {
  if (sketch.isEmpty) return undefined
  const n = sketch.n
  let start = sketch.min
  let end = sketch.max
  // Item weights are whole numbers: half a unit past the infinite items' weight lands on the
  // first (last) finite item under the inclusive rule, whatever the float rounding of the rank.
  if (!Number.isFinite(start)) {
    const negative = sketch.getRank(Number.NEGATIVE_INFINITY, { inclusive: true }) * n
    if (negative >= n - 0.5) return undefined
    start = sketch.getQuantile((negative + 0.5) / n, { rule: "v5", inclusive: true })
  }
  if (!Number.isFinite(end)) {
    const belowInfinity = sketch.getRank(Number.POSITIVE_INFINITY, { inclusive: false }) * n
    if (belowInfinity < 0.5) return undefined
    end = sketch.getQuantile((belowInfinity - 0.5) / n, { rule: "v5", inclusive: true })
  }
  if (!Number.isFinite(start) || !Number.isFinite(end) || start > end) return undefined
  return { start, end }
}

/**
 * Edges shared by several sketches (a baseline and a target, or profiles over time): over the union
 * of their finite ranges, sized for all their values together, as whylogs' Hellinger drift does.
 * Undefined when none of them holds a finite value.
 */
export const sharedHistogramEdges = (
  sketches: ReadonlyArray<KllDoublesSketch>,
  config: HistogramConfig = DEFAULT_HISTOGRAM_CONFIG,
): ReadonlyArray<number> | undefined => {
  let start = Number.POSITIVE_INFINITY
  let end = Number.NEGATIVE_INFINITY
  let n = 0
  for (const sketch of sketches) {
    const range = finiteRange(sketch)
    if (range === undefined) continue
    start = Math.min(start, range.start)
    end = Math.max(end, range.end)
    n += sketch.n
  }
  if (!Number.isFinite(start)) return undefined
  return histogramEdges(start, end, n, config)
}

/**
 * The sketch's histogram over `edges` (default: its own edges, whylogs' visualizer histogram), from
 * its probability mass function (whylogs' exclusive rank rule: a value equal to an edge belongs to
 * the bucket that starts there). Undefined for an empty sketch or one with no finite value.
 */
export const kllHistogram = (
  sketch: KllDoublesSketch,
  edges?: ReadonlyArray<number>,
  config: HistogramConfig = DEFAULT_HISTOGRAM_CONFIG,
): KllHistogram | undefined => {
  const splits = edges ?? sharedHistogramEdges([sketch], config)
  if (splits === undefined || sketch.isEmpty) return undefined
  const pmf = sketch.getPMF(splits)
  const n = sketch.n
  return {
    edges: splits,
    counts: pmf.slice(1, -1).map((p) => p * n),
    below: pmf[0] * n,
    above: pmf[pmf.length - 1] * n,
    n,
  }
}
