import type { FrequentItem } from "@sketchlog/core/profile"
import type { ColumnDigest, TypeCounts, TypeName } from "./ColumnDigest.js"
import type { ProfileDigest } from "./ProfileDigest.js"

/** The ranks of a column's quantile bands: 5th, 25th, 50th, 75th and 95th percentiles. */
export const BAND_RANKS: ReadonlyArray<number> = [0.05, 0.25, 0.5, 0.75, 0.95]

/** Frequent values kept per column and window for the charts. */
export const TOP_VALUES = 8

/** What the charts show of one column in one window: plain numbers, no sketch. */
export interface ColumnPoint {
  readonly n: number
  readonly nulls: number
  readonly types: TypeCounts
  readonly inferredType: TypeName | "null" | "unknown"
  readonly mean: number | undefined
  /** p5, p25, median, p75, p95 of the numbers (undefined without numbers). */
  readonly bands: ReadonlyArray<number> | undefined
  readonly min: number | undefined
  readonly max: number | undefined
  readonly cardinality: number | undefined
  readonly top: ReadonlyArray<FrequentItem>
}

/** One window of a dataset: its rows and each column's point. */
export interface WindowPoint {
  readonly start: number
  readonly rows: number
  readonly profiles: number
  readonly columns: ReadonlyMap<string, ColumnPoint>
}

/** A column's point from its digest. */
export const columnPoint = (digest: ColumnDigest): ColumnPoint => {
  const numbers = digest.numbers
  return {
    n: digest.n,
    nulls: digest.nulls,
    types: digest.types,
    inferredType: digest.inferredType,
    mean: numbers === undefined ? undefined : digest.mean,
    bands: numbers?.getQuantiles(BAND_RANKS),
    min: numbers?.min,
    max: numbers?.max,
    cardinality: digest.cardinality,
    top: digest.topValues(TOP_VALUES),
  }
}

/** A window's point from the digest of its profiles. */
export const windowPoint = (start: number, digest: ProfileDigest): WindowPoint => {
  const columns = new Map<string, ColumnPoint>()
  for (const [name, column] of digest.columns) columns.set(name, columnPoint(column))
  return { start, rows: digest.rows, profiles: digest.profiles, columns }
}
