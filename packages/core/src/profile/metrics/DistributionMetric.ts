import type { KllDoublesSketch } from "@sketchlog/sketches"
import { RunningSketch } from "../internal/RunningSketch.js"
import type { SketchCell } from "../internal/SketchCell.js"
import { kllCodec } from "../internal/SketchCodecs.js"

/** The ranks whylogs' summary reports, with their field names. */
export const summaryQuantiles: ReadonlyArray<readonly [string, number]> = [
  ["distribution/q_01", 0.01],
  ["distribution/q_05", 0.05],
  ["distribution/q_10", 0.1],
  ["distribution/q_25", 0.25],
  ["distribution/median", 0.5],
  ["distribution/q_75", 0.75],
  ["distribution/q_90", 0.9],
  ["distribution/q_95", 0.95],
  ["distribution/q_99", 0.99],
]

/**
 * whylogs' `distribution` metric: a KLL sketch (k = 1024) of every numeric value (booleans as 1/0), and
 * the exact running mean and M2 (sum of squared deviations), merged with Chan's parallel formula.
 * ±Infinity enters the sketch and makes the mean ±Infinity (NaN when both occur) and M2 NaN, as in whylogs.
 */
export class DistributionMetric {
  constructor(
    /** The KLL sketch; query it through this metric, or take a `sketch()` copy. */
    readonly kll: SketchCell<KllDoublesSketch>,
    readonly mean: number,
    readonly m2: number,
  ) {}

  /** Values in the sketch. */
  get n(): number {
    return this.kll.peek().n
  }

  /** Sample variance m2 / (n − 1); 0 below two values. */
  get variance(): number {
    const n = this.n
    return n <= 1 ? 0 : this.m2 / (n - 1)
  }

  /** Sample standard deviation; 0 below two values. */
  get stddev(): number {
    return this.n <= 1 ? 0 : Math.sqrt(this.variance)
  }

  /** Least value (NaN when empty, as whylogs' summary shows). */
  get min(): number {
    const sketch = this.kll.peek()
    return sketch.isEmpty ? Number.NaN : sketch.min
  }

  /** Greatest value (NaN when empty). */
  get max(): number {
    const sketch = this.kll.peek()
    return sketch.isEmpty ? Number.NaN : sketch.max
  }

  /** The quantile at `rank` ∈ [0, 1] by whylogs' rule, or null when empty. */
  quantile(rank: number): number | null {
    const sketch = this.kll.peek()
    return sketch.isEmpty ? null : sketch.getQuantile(rank)
  }

  /** An independent copy of the KLL sketch. */
  sketch(): KllDoublesSketch {
    return this.kll.copy()
  }

  /** Chan's parallel combination of mean and M2; the sketches merged into a fresh one. */
  merge(other: DistributionMetric): DistributionMetric {
    return new DistributionTotal(this).add(other).result()
  }

  /** `distribution/*` summary fields (quantiles null when empty). */
  summary(): Record<string, number | null> {
    const sketch = this.kll.peek()
    const empty = sketch.isEmpty
    const out: Record<string, number | null> = {
      "distribution/max": empty ? Number.NaN : sketch.max,
      "distribution/mean": this.mean,
      "distribution/min": empty ? Number.NaN : sketch.min,
      "distribution/n": sketch.n,
      "distribution/stddev": this.stddev,
    }
    const values = empty ? undefined : sketch.getQuantiles(summaryQuantiles.map(([, rank]) => rank))
    summaryQuantiles.forEach(([name], i) => {
      out[name] = values === undefined ? null : (values[i] as number)
    })
    return out
  }
}

/**
 * A running merge of distribution metrics (internal: what `merge` and the profile accumulator use): the
 * KLL sketches merged into one in place, mean and M2 by Chan's parallel formula, step by step exactly as
 * chained `merge` calls. One metric alone is given back as it is.
 */
export class DistributionTotal {
  readonly #kll: RunningSketch<KllDoublesSketch>
  #single: DistributionMetric | undefined
  #mean: number
  #m2: number

  constructor(first: DistributionMetric) {
    this.#kll = new RunningSketch(kllCodec, first.kll)
    this.#single = first
    this.#mean = first.mean
    this.#m2 = first.m2
  }

  add(other: DistributionMetric): this {
    const a = this.#kll.peek().n
    const b = other.n
    const n = a + b
    let mean = 0
    let m2 = 0
    if (n > 0) {
      const delta = other.mean - this.#mean
      m2 = this.#m2 + other.m2 + (delta * delta * a * b) / n
      mean = (a / n) * this.#mean + (b / n) * other.mean
    }
    this.#mean = mean
    this.#m2 = m2
    this.#kll.merge(other.kll)
    this.#single = undefined
    return this
  }

  result(): DistributionMetric {
    return this.#single ?? new DistributionMetric(this.#kll.result(), this.#mean, this.#m2)
  }
}
