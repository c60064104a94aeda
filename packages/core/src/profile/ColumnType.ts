/**
 * whylogs' data type of a column (its `StandardTypeMapper` classes): it decides which metrics the column
 * carries, once, at the column's first non-null value (or from a declared schema).
 *
 * | type | metrics |
 * |---|---|
 * | `integral` | counts, types, distribution, ints, cardinality, frequent_items |
 * | `fractional` | counts, types, distribution, cardinality |
 * | `string` | counts, types, distribution, cardinality, frequent_items |
 * | `any` | counts, types |
 */
export type ColumnType = "integral" | "fractional" | "string" | "any"

/** The metric namespaces of whylogs' standard resolver, in the order they appear in a summary. */
export type MetricName = "cardinality" | "counts" | "distribution" | "frequent_items" | "ints" | "types"

/** Every column type, for validating declared schemas. */
export const columnTypes: ReadonlyArray<ColumnType> = ["integral", "fractional", "string", "any"]

const metricSets: Readonly<Record<ColumnType, ReadonlyArray<MetricName>>> = {
  integral: ["cardinality", "counts", "distribution", "frequent_items", "ints", "types"],
  fractional: ["cardinality", "counts", "distribution", "types"],
  string: ["cardinality", "counts", "distribution", "frequent_items", "types"],
  any: ["counts", "types"],
}

/** The metrics whylogs' standard resolver gives a column of this type (sorted by name). */
export const metricsForType = (type: ColumnType): ReadonlyArray<MetricName> => metricSets[type]

/** 2^63: JavaScript integers at or beyond this magnitude do not fit whylogs' int64 and count as fractional. */
export const INT64_LIMIT = 2 ** 63

const INT64_MIN = -(1n << 63n)
const INT64_MAX = (1n << 63n) - 1n

/** Whether a bigint fits whylogs' int64 (those that do not count as objects). */
export const bigintFitsInt64 = (value: bigint): boolean => value >= INT64_MIN && value <= INT64_MAX

/**
 * The column type whylogs would give a column whose first value is `value`, or `undefined` for
 * `null`/`undefined` (the decision waits for the first non-null value). Integers (numbers with no
 * fractional part below 2^63, and bigints that fit int64) and booleans are `integral` (Python's `bool`
 * is an `int`); other numbers, NaN and ±Infinity included, are `fractional`; strings are `string`;
 * everything else (objects, arrays, typed arrays, dates, functions, symbols) is `any`.
 */
export const inferColumnType = (value: unknown): ColumnType | undefined => {
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) && Math.abs(value) < INT64_LIMIT ? "integral" : "fractional"
    case "boolean":
      return "integral"
    case "bigint":
      return bigintFitsInt64(value) ? "integral" : "any"
    case "string":
      return "string"
    case "undefined":
      return undefined
    default:
      return value === null ? undefined : "any"
  }
}
