import type { MetricName } from "./ColumnType.js"
import type { CardinalityMetric } from "./metrics/CardinalityMetric.js"
import type { CountsMetric } from "./metrics/CountsMetric.js"
import type { DistributionMetric } from "./metrics/DistributionMetric.js"
import type { EmbeddingMetric } from "./metrics/EmbeddingMetric.js"
import type { FrequentItem, FrequentItemsMetric } from "./metrics/FrequentItemsMetric.js"
import type { IntsMetric } from "./metrics/IntsMetric.js"
import type { TypesMetric } from "./metrics/TypesMetric.js"

/** The standard metrics a column may carry (which ones depends on its type, see `metricsForType`). */
export interface ColumnMetrics {
  readonly counts?: CountsMetric | undefined
  readonly types?: TypesMetric | undefined
  readonly distribution?: DistributionMetric | undefined
  readonly ints?: IntsMetric | undefined
  readonly cardinality?: CardinalityMetric | undefined
  readonly frequentItems?: FrequentItemsMetric | undefined
  /** whylogs' `embedding` metric, on columns configured with reference vectors (`embeddings` option). */
  readonly embedding?: EmbeddingMetric | undefined
}

/** One summary field's value: a number (NaN and ±Infinity kept), null where whylogs gives None, a list of frequent items, or text. */
export type SummaryValue = number | string | null | ReadonlyArray<FrequentItem>

/** A column's summary: whylogs' `to_summary_dict()` fields, keyed `namespace/field`. */
export type ColumnSummary = Readonly<Record<string, SummaryValue>>

/**
 * The immutable metrics of one column. Metric components whylogs may write but sketchlog does not
 * compute (custom or experimental metrics) are kept as their serialized protobuf messages in
 * `otherComponents`, written back unchanged by `serialize()`; a merge keeps the left side's copy.
 */
export class ColumnProfileView implements ColumnMetrics {
  readonly counts: CountsMetric | undefined
  readonly types: TypesMetric | undefined
  readonly distribution: DistributionMetric | undefined
  readonly ints: IntsMetric | undefined
  readonly cardinality: CardinalityMetric | undefined
  readonly frequentItems: FrequentItemsMetric | undefined
  readonly embedding: EmbeddingMetric | undefined
  /** Components of metrics sketchlog does not know, by `namespace/component` path, as protobuf bytes. */
  readonly otherComponents: ReadonlyMap<string, Uint8Array>

  constructor(metrics: ColumnMetrics, otherComponents: ReadonlyMap<string, Uint8Array> = new Map()) {
    this.counts = metrics.counts
    this.types = metrics.types
    this.distribution = metrics.distribution
    this.ints = metrics.ints
    this.cardinality = metrics.cardinality
    this.frequentItems = metrics.frequentItems
    this.embedding = metrics.embedding
    this.otherComponents = otherComponents
  }

  /** The standard metric namespaces present, sorted. */
  get metricNames(): ReadonlyArray<MetricName> {
    const names: Array<MetricName> = []
    if (this.cardinality) names.push("cardinality")
    if (this.counts) names.push("counts")
    if (this.distribution) names.push("distribution")
    if (this.frequentItems) names.push("frequent_items")
    if (this.ints) names.push("ints")
    if (this.types) names.push("types")
    return names
  }

  /**
   * Metric by metric: present on one side → kept; on both → merged. Exact metrics add (or take min/max),
   * mean and M2 combine by Chan's formula, sketches merge.
   */
  merge(other: ColumnProfileView): ColumnProfileView {
    const pick = <M extends { merge(o: M): M }>(a: M | undefined, b: M | undefined): M | undefined =>
      a === undefined ? b : b === undefined ? a : a.merge(b)
    let others = this.otherComponents
    if (other.otherComponents.size > 0) {
      const merged = new Map(other.otherComponents)
      for (const [path, bytes] of this.otherComponents) merged.set(path, bytes)
      others = merged
    }
    return new ColumnProfileView(
      {
        counts: pick(this.counts, other.counts),
        types: pick(this.types, other.types),
        distribution: pick(this.distribution, other.distribution),
        ints: pick(this.ints, other.ints),
        cardinality: pick(this.cardinality, other.cardinality),
        frequentItems: pick(this.frequentItems, other.frequentItems),
        embedding: pick(this.embedding, other.embedding),
      },
      others,
    )
  }

  /**
   * whylogs' `to_summary_dict()`: `cardinality/est|upper_1|lower_1`, `counts/*`, `distribution/mean|
   * stddev|n|min|max|median|q_01…q_99`, `frequent_items/frequent_strings`, `ints/min|max`, `types/*`,
   * for the metrics present, keys sorted.
   */
  summary(): ColumnSummary {
    const fields: Record<string, SummaryValue> = {
      ...this.cardinality?.summary(),
      ...this.counts?.summary(),
      ...this.distribution?.summary(),
      ...this.embedding?.summary(),
      ...this.frequentItems?.summary(),
      ...this.ints?.summary(),
      ...this.types?.summary(),
    }
    const sorted: Record<string, SummaryValue> = {}
    for (const key of Object.keys(fields).sort()) sorted[key] = fields[key] as SummaryValue
    return sorted
  }

  /** The summary, with NaN and ±Infinity written as the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers). */
  toJSON(): Record<string, unknown> {
    return jsonSafe(this.summary())
  }
}

/** A summary with non-finite numbers spelled as strings, the way whylogs' JSON dumps show them. */
export const jsonSafe = (summary: ColumnSummary): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(summary)) {
    out[key] = typeof value === "number" && !Number.isFinite(value) ? String(value) : value
  }
  return out
}
