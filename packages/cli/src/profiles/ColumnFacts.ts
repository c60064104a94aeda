import type { ColumnProfileView } from "@sketchlog/core"
import type { FrequentItem } from "@sketchlog/core/profile"

/** What a column's values mostly are, from its `types` counts (whylogs' type names). */
export type InferredType =
  | "integral"
  | "fractional"
  | "boolean"
  | "string"
  | "object"
  | "tensor"
  | "null"
  | "unknown"

/** The figures `inspect` and the report show for a column, read from its metrics. */
export interface ColumnFacts {
  readonly type: InferredType
  /** Values seen, nulls included (`counts/n`). */
  readonly count: number
  readonly nulls: number
  /** Share of nulls (NaN counts as null, as in whylogs); NaN for an empty column. */
  readonly nullRatio: number
  /** Estimated distinct values (HLL), when the column has a cardinality metric. */
  readonly distinct: number | undefined
  readonly mean: number | undefined
  readonly stddev: number | undefined
  readonly min: number | undefined
  readonly max: number | undefined
  readonly q25: number | undefined
  readonly median: number | undefined
  readonly q75: number | undefined
  /** Frequent values, most frequent first (ties by value), when the column has them. */
  readonly topValues: ReadonlyArray<FrequentItem> | undefined
  /** Values per type, plus `null`. */
  readonly typeCounts: Readonly<Record<Exclude<InferredType, "unknown">, number>>
}

const TYPE_ORDER = ["integral", "fractional", "boolean", "string", "object", "tensor"] as const

/**
 * The column's facts. Its type is the kind most of its non-null values had (integers and fractions
 * together make it fractional), "null" when it only saw nulls.
 */
export const columnFacts = (column: ColumnProfileView): ColumnFacts => {
  const t = column.types
  const typeCounts = {
    integral: t?.integral ?? 0,
    fractional: t?.fractional ?? 0,
    boolean: t?.boolean ?? 0,
    string: t?.string ?? 0,
    object: t?.object ?? 0,
    tensor: t?.tensor ?? 0,
    null: column.counts?.null ?? 0,
  }
  let type: InferredType = typeCounts.null > 0 ? "null" : "unknown"
  let best = 0
  for (const name of TYPE_ORDER) {
    if (typeCounts[name] > best) {
      best = typeCounts[name]
      type = name
    }
  }
  if (type === "integral" && typeCounts.fractional > 0) type = "fractional"
  const count = column.counts?.n ?? 0
  const d = column.distribution
  const hasNumbers = d !== undefined && d.n > 0
  return {
    type,
    count,
    nulls: typeCounts.null,
    nullRatio: count === 0 ? Number.NaN : typeCounts.null / count,
    distinct: column.cardinality?.estimate,
    mean: hasNumbers ? d.mean : undefined,
    stddev: hasNumbers ? d.stddev : undefined,
    min: hasNumbers ? d.min : undefined,
    max: hasNumbers ? d.max : undefined,
    q25: hasNumbers ? (d.quantile(0.25) ?? undefined) : undefined,
    median: hasNumbers ? (d.quantile(0.5) ?? undefined) : undefined,
    q75: hasNumbers ? (d.quantile(0.75) ?? undefined) : undefined,
    topValues: sortedItems(column.frequentItems?.items()),
    typeCounts,
  }
}

/**
 * Frequent items by estimate, ties by value: the sketch lists ties in its hash-table order, which
 * differs between implementations and runs, and a table should not.
 */
export const sortedItems = (
  items: ReadonlyArray<FrequentItem> | undefined,
): ReadonlyArray<FrequentItem> | undefined =>
  items === undefined
    ? undefined
    : [...items].sort((a, b) => b.est - a.est || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))

/** Rows of a profile: the largest `counts/n` of its columns (every column counts every row it saw). */
export const rowCount = (columns: Iterable<ColumnProfileView>): number => {
  let rows = 0
  for (const column of columns) rows = Math.max(rows, column.counts?.n ?? 0)
  return rows
}
