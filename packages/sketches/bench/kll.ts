/**
 * Quantiles: our KllDoublesSketch (k = 1024, as whylogs) against what a JavaScript user picks today,
 * the `tdigest` package (default delta 0.01). One run prints both side by side at n = 10^6: update
 * throughput, merge of 10 partials, serialization, size, and the worst rank error over 99 probe
 * ranks against the exact ranks, on uniform and skewed (log-normal) data, plus two inputs servers
 * see often: an ascending stream (timestamps, counters) and few distinct values (status codes,
 * rounded latencies), where t-digest's interpolation has no guarantee to fall back on.
 *
 * Run alone: pnpm --filter @sketchlog/sketches exec tsx --conditions=@sketchlog/source bench/kll.ts
 */

import { pathToFileURL } from "node:url"
import { KllDoublesSketch } from "@sketchlog/sketches"
import { countAtOrBelow, countBelow, uniforms } from "@sketchlog/test-fixtures"
import { TDigest } from "tdigest"
import { type ComparisonRow, fmt, printComparison } from "./internal/ComparisonTable.js"
import { bestOf } from "./internal/Timing.js"

const N = 1_000_000
const K = 1024
const PARTS = 10
const PROBES = Array.from({ length: 99 }, (_, i) => (i + 1) / 100)

/** n uniform doubles in [0, 1). */
const uniform = (random: () => number): Float64Array => Float64Array.from({ length: N }, random)

/** n log-normal doubles (σ = 2): most mass near 1, a long right tail (latencies, sizes). */
const skewed = (random: () => number): Float64Array =>
  Float64Array.from({ length: N }, () => {
    const u = 1 - random()
    const v = random()
    return Math.exp(2 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v))
  })

const kllOf = (data: Float64Array, from = 0, to = data.length): KllDoublesSketch => {
  const s = new KllDoublesSketch(K)
  for (let i = from; i < to; i++) s.update(data[i]!)
  return s
}

const digestOf = (data: Float64Array, from = 0, to = data.length): TDigest => {
  const t = new TDigest()
  for (let i = from; i < to; i++) t.push(data[i]!)
  t.compress()
  return t
}

/**
 * Worst rank error over the probe ranks, both ways: a quantile query's answer q is off by the distance
 * from the probe rank to q's exact rank interval [#below q, #at or below q] / n; a rank query at the
 * exact quantile x is off by |estimated rank − exact rank|.
 */
const rankErrors = (
  sorted: Float64Array,
  quantile: (rank: number) => number,
  rank: (x: number) => number,
): { readonly quantile: number; readonly rank: number } => {
  let worstQ = 0
  let worstR = 0
  for (const p of PROBES) {
    const q = quantile(p)
    worstQ = Math.max(worstQ, countBelow(sorted, q) / N - p, p - countAtOrBelow(sorted, q) / N)
    const x = sorted[Math.floor(p * N)]!
    worstR = Math.max(worstR, Math.abs(rank(x) - countBelow(sorted, x) / N))
  }
  return { quantile: worstQ, rank: worstR }
}

const mps = (ms: number) => `${fmt(N / ms / 1000)} M/s`
const pct = (x: number) => `${fmt(x * 100, 3)} %`

/** Prints the comparison. */
export function runKllBench(): void {
  // Seeded, so every run measures the same stream.
  const random = uniforms(20_251_122)
  const u = uniform(random)
  const datasets = {
    uniform: u,
    skewed: skewed(random),
    sorted: Float64Array.from(u).sort(),
    // 50 distinct values, most mass near 0
    discrete: Float64Array.from(u, (x) => Math.floor(x * x * 50)),
  }

  // Throughput (best of 5 for KLL; tdigest is slow, best of 2).
  const kllUniformMs = bestOf(5, () => kllOf(datasets.uniform))
  const kllSkewedMs = bestOf(5, () => kllOf(datasets.skewed))
  const tdUniformMs = bestOf(2, () => digestOf(datasets.uniform))
  const tdSkewedMs = bestOf(2, () => digestOf(datasets.skewed))

  // Merge: 10 partials of 100k updates each into one.
  const chunk = N / PARTS
  const kllParts = Array.from({ length: PARTS }, (_, p) =>
    kllOf(datasets.uniform, p * chunk, (p + 1) * chunk),
  )
  const tdParts = Array.from({ length: PARTS }, (_, p) =>
    digestOf(datasets.uniform, p * chunk, (p + 1) * chunk),
  )
  const kllMergeMs = bestOf(5, () => {
    const merged = new KllDoublesSketch(K)
    for (const part of kllParts) merged.merge(part)
  })
  const tdMergeMs = bestOf(3, () => {
    const merged = new TDigest()
    for (const part of tdParts) merged.push_centroid(part.toArray())
    merged.compress()
  })

  // Serialization of the full n = 10^6 structures (whylogs layout for KLL; centroids as JSON for tdigest).
  const kll = kllOf(datasets.uniform)
  const td = digestOf(datasets.uniform)
  let bytes = kll.toBytes({ layout: "whylogs" })
  const toBytesMs = bestOf(200, () => {
    bytes = kll.toBytes({ layout: "whylogs" })
  })
  const fromBytesMs = bestOf(200, () => KllDoublesSketch.fromBytes(bytes))
  let json = ""
  const stringifyMs = bestOf(20, () => {
    json = JSON.stringify(td.toArray().map((c) => [c.mean, c.n]))
  })
  const parseMs = bestOf(20, () => {
    const t = new TDigest()
    t.push_centroid((JSON.parse(json) as Array<[number, number]>).map(([mean, n]) => ({ mean, n })))
    t.compress()
  })
  const centroids = td.size()

  // Accuracy against exact ranks.
  const accuracy = Object.fromEntries(
    Object.entries(datasets).map(([name, data]) => {
      const sorted = Float64Array.from(data).sort()
      const k = kllOf(data)
      const t = digestOf(data)
      const kllErr = rankErrors(
        sorted,
        (p) => k.getQuantile(p),
        (x) => k.getRank(x),
      )
      const tdErr = rankErrors(
        sorted,
        (p) => t.percentile(p) as number,
        (x) => t.p_rank(x) as number,
      )
      return [name, { kll: kllErr, td: tdErr }]
    }),
  ) as Record<
    keyof typeof datasets,
    { kll: ReturnType<typeof rankErrors>; td: ReturnType<typeof rankErrors> }
  >

  const rows: Array<ComparisonRow> = [
    ["updates/s, uniform (n = 10^6)", mps(kllUniformMs), mps(tdUniformMs)],
    ["updates/s, skewed (log-normal)", mps(kllSkewedMs), mps(tdSkewedMs)],
    [`merge ${PARTS} × 100k-update partials`, `${fmt(kllMergeMs, 3)} ms`, `${fmt(tdMergeMs, 3)} ms`],
    ["serialize (toBytes / JSON of centroids)", `${fmt(toBytesMs, 3)} ms`, `${fmt(stringifyMs, 3)} ms`],
    ["deserialize (fromBytes / JSON + push)", `${fmt(fromBytesMs, 3)} ms`, `${fmt(parseMs, 3)} ms`],
    [
      "serialized size",
      `${fmt(bytes.length)} B (${fmt(kll.numRetained)} items)`,
      `${fmt(json.length)} B JSON; ${fmt(centroids * 16)} B as 16 B/centroid (${fmt(centroids)})`,
    ],
    [
      "max rank error, quantile queries, uniform",
      pct(accuracy.uniform.kll.quantile),
      pct(accuracy.uniform.td.quantile),
    ],
    ["max rank error, rank queries, uniform", pct(accuracy.uniform.kll.rank), pct(accuracy.uniform.td.rank)],
    [
      "max rank error, quantile queries, skewed",
      pct(accuracy.skewed.kll.quantile),
      pct(accuracy.skewed.td.quantile),
    ],
    ["max rank error, rank queries, skewed", pct(accuracy.skewed.kll.rank), pct(accuracy.skewed.td.rank)],
    [
      "max rank error, quantile queries, sorted",
      pct(accuracy.sorted.kll.quantile),
      pct(accuracy.sorted.td.quantile),
    ],
    ["max rank error, rank queries, sorted", pct(accuracy.sorted.kll.rank), pct(accuracy.sorted.td.rank)],
    [
      "max rank error, quantile queries, discrete",
      pct(accuracy.discrete.kll.quantile),
      pct(accuracy.discrete.td.quantile),
    ],
    [
      "max rank error, rank queries, discrete",
      pct(accuracy.discrete.kll.rank),
      pct(accuracy.discrete.td.rank),
    ],
    ["a-priori rank error bound (99%)", pct(kll.normalizedRankError()), "none"],
  ]
  printComparison(
    `\nQuantiles: n = ${fmt(N)} doubles (uniform [0,1); log-normal σ = 2; the uniform ones ascending; ` +
      `50 distinct values), ${PROBES.length} probe ranks, random coin, node ${process.version}`,
    [`KllDoublesSketch(${K})`, "tdigest 0.1 (delta 0.01)"],
    rows,
  )
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) runKllBench()
