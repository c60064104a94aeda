import type { ColumnProfileView } from "@sketchlog/core"
import type { FrequentItem } from "@sketchlog/core/profile"
import { FrequentStringsSketch, HllSketch, HllUnion, KllDoublesSketch } from "@sketchlog/sketches"

/**
 * Sketch sizes of a digest. A stored profile's sketches (KLL k 1024, HLL lgK 12, frequent items
 * lgMax 10) are merged into smaller ones of the same kinds, so the server can keep every hour of
 * a store in memory: a KLL of k 256 answers quantiles within about 1.3% of rank, an HLL of lgK 11
 * estimates distinct counts within about 2.3%, 128 frequent-item slots keep the 96 commonest values.
 */
export const DIGEST_KLL_K = 256
export const DIGEST_HLL_LG_K = 11
export const DIGEST_FREQUENT_LG_MAX = 7

/** Values per whylogs type (non-null values only; nulls are `ColumnDigest.nulls`). */
export interface TypeCounts {
  readonly integral: number
  readonly fractional: number
  readonly boolean: number
  readonly string: number
  readonly object: number
  readonly tensor: number
}

/** The type names of `TypeCounts`, in whylogs' order. */
export const TYPE_NAMES = ["integral", "fractional", "boolean", "string", "object", "tensor"] as const

/** One of whylogs' type names. */
export type TypeName = (typeof TYPE_NAMES)[number]

const NO_TYPES: TypeCounts = { integral: 0, fractional: 0, boolean: 0, string: 0, object: 0, tensor: 0 }

/**
 * What the monitor keeps of one column of one or more profiles: exact counts, types, mean and M2,
 * and reduced copies of its sketches. Digests merge like the profiles they came from (counts add,
 * mean and M2 by Chan's formula, sketches merge), so an hour of every replica and segment, a day or
 * a reference week are merges of digests and no profile is read twice. Immutable once built.
 */
export class ColumnDigest {
  // The sketches are kept serialized (compact: no spare capacity, no object overhead) and decoded
  // when queried or merged; a store's every hour of every column then fits in the cache's budget.
  readonly #kll: Uint8Array | undefined
  readonly #hll: Uint8Array | undefined
  readonly #frequent: Uint8Array | undefined

  private constructor(
    /** Values seen, nulls included (`counts/n`). */
    readonly n: number,
    readonly nulls: number,
    readonly nan: number,
    readonly inf: number,
    readonly types: TypeCounts,
    /** Exact mean and M2 of the numbers (`distribution/mean`, `distribution/m2`). */
    readonly mean: number,
    readonly m2: number,
    kll: KllDoublesSketch | undefined,
    hll: HllSketch | undefined,
    frequent: FrequentStringsSketch | undefined,
  ) {
    this.#kll = kll === undefined || kll.isEmpty ? undefined : kll.toBytes()
    this.#hll = hll?.toCompactBytes()
    this.#frequent = frequent?.toBytes()
  }

  /** The numbers' quantile sketch (undefined when the column has no numbers); a fresh copy. */
  get kll(): KllDoublesSketch | undefined {
    return this.#kll === undefined ? undefined : KllDoublesSketch.fromBytes(this.#kll)
  }

  /** The distinct-values sketch; a fresh copy. */
  get hll(): HllSketch | undefined {
    return this.#hll === undefined ? undefined : HllSketch.fromBytes(this.#hll)
  }

  /** Whether the column has a frequent-values sketch. */
  get hasFrequent(): boolean {
    return this.#frequent !== undefined
  }

  /** The frequent values; a fresh copy. */
  get frequent(): FrequentStringsSketch | undefined {
    return this.#frequent === undefined ? undefined : FrequentStringsSketch.fromBytes(this.#frequent)
  }

  /** The digest of one column of a profile. */
  static of(column: ColumnProfileView): ColumnDigest {
    const counts = column.counts
    const types = column.types
    const distribution = column.distribution
    let kll: KllDoublesSketch | undefined
    // An empty sketch (a string column's) is not kept: it would hold an empty buffer of k items.
    if (distribution !== undefined && distribution.n > 0) {
      kll = new KllDoublesSketch(DIGEST_KLL_K)
      kll.merge(distribution.kll.peek())
    }
    let hll: HllSketch | undefined
    if (column.cardinality !== undefined) {
      const union = new HllUnion(DIGEST_HLL_LG_K)
      union.update(column.cardinality.hll.peek())
      hll = union.getResult("HLL_4")
    }
    let frequent: FrequentStringsSketch | undefined
    if (column.frequentItems !== undefined) {
      frequent = new FrequentStringsSketch(DIGEST_FREQUENT_LG_MAX)
      frequent.merge(column.frequentItems.frequentStrings.peek())
    }
    return new ColumnDigest(
      counts?.n ?? 0,
      counts?.null ?? 0,
      counts?.nan ?? 0,
      counts?.inf ?? 0,
      types === undefined
        ? NO_TYPES
        : {
            integral: types.integral,
            fractional: types.fractional,
            boolean: types.boolean,
            string: types.string,
            object: types.object,
            tensor: types.tensor,
          },
      distribution?.mean ?? 0,
      distribution?.m2 ?? 0,
      kll,
      hll,
      frequent,
    )
  }

  /** The merge of several digests of one column (undefined for none). */
  static merge(digests: ReadonlyArray<ColumnDigest>): ColumnDigest | undefined {
    if (digests.length <= 1) return digests[0]
    let n = 0
    let nulls = 0
    let nan = 0
    let inf = 0
    const types = { ...NO_TYPES }
    let numbers = 0
    let mean = 0
    let m2 = 0
    let kll: KllDoublesSketch | undefined
    let union: HllUnion | undefined
    let frequent: FrequentStringsSketch | undefined
    for (const d of digests) {
      n += d.n
      nulls += d.nulls
      nan += d.nan
      inf += d.inf
      for (const name of TYPE_NAMES) types[name] += d.types[name]
      const sketch = d.kll
      const count = sketch?.n ?? 0
      if (count > 0) {
        // Chan's parallel combination, as core's DistributionMetric merges.
        const total = numbers + count
        const delta = d.mean - mean
        m2 = m2 + d.m2 + (delta * delta * numbers * count) / total
        mean = (numbers / total) * mean + (count / total) * d.mean
        numbers = total
      }
      if (sketch !== undefined && count > 0) {
        kll ??= new KllDoublesSketch(DIGEST_KLL_K)
        kll.merge(sketch)
      }
      const hll = d.hll
      if (hll !== undefined) {
        union ??= new HllUnion(DIGEST_HLL_LG_K)
        union.update(hll)
      }
      const items = d.frequent
      if (items !== undefined) {
        frequent ??= new FrequentStringsSketch(DIGEST_FREQUENT_LG_MAX)
        frequent.merge(items)
      }
    }
    return new ColumnDigest(n, nulls, nan, inf, types, mean, m2, kll, union?.getResult("HLL_4"), frequent)
  }

  /** Values that are not null. */
  get nonNull(): number {
    return this.n - this.nulls
  }

  /** Share of nulls among the values (NaN when the column saw none). */
  get nullShare(): number {
    return this.n === 0 ? Number.NaN : this.nulls / this.n
  }

  /** Share of the non-null values that were of `type` (NaN when there were none). */
  typeShare(type: TypeName): number {
    const total = TYPE_NAMES.reduce((sum, name) => sum + this.types[name], 0)
    return total === 0 ? Number.NaN : this.types[type] / total
  }

  /** The kind most non-null values had (integers with some fractions are fractional), "null" when all were null. */
  get inferredType(): TypeName | "null" | "unknown" {
    let best: TypeName | undefined
    for (const name of TYPE_NAMES)
      if (this.types[name] > (best === undefined ? 0 : this.types[best])) best = name
    if (best === undefined) return this.nulls > 0 ? "null" : "unknown"
    return best === "integral" && this.types.fractional > 0 ? "fractional" : best
  }

  /**
   * The numbers' sketch when the column's values are numbers (booleans feed the sketch as 1/0 but
   * are categories, as in core's drift).
   */
  get numbers(): KllDoublesSketch | undefined {
    const t = this.types
    if (t.boolean > 0 && t.integral === 0 && t.fractional === 0) return undefined
    return this.kll
  }

  /** Quantiles of the numbers at `ranks` (whylogs' rule), or undefined without numbers. */
  quantiles(ranks: ReadonlyArray<number>): number[] | undefined {
    return this.numbers?.getQuantiles(ranks)
  }

  /** Estimated distinct values. */
  get cardinality(): number | undefined {
    return this.hll?.estimate
  }

  /** Frequent values, most frequent first (ties by value), as whylogs' summary lists them. */
  topValues(
    limit = Number.POSITIVE_INFINITY,
    errorType: "NO_FALSE_POSITIVES" | "NO_FALSE_NEGATIVES" = "NO_FALSE_POSITIVES",
  ): ReadonlyArray<FrequentItem> {
    const frequent = this.frequent
    if (frequent === undefined || frequent.isEmpty) return []
    return frequent
      .getFrequentItems(errorType)
      .map((row) => ({ value: row.item, est: row.estimate, upper: row.upperBound, lower: row.lowerBound }))
      .sort((a, b) => b.est - a.est || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, limit)
  }

  /** A rough size in memory, for the cache's budget. */
  get approximateBytes(): number {
    return 160 + (this.#kll?.length ?? 0) + (this.#hll?.length ?? 0) + (this.#frequent?.length ?? 0) + 3 * 64
  }
}
