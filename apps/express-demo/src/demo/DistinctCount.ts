import { formatNumber } from "./TextTable.js"

/** How a distinct-count estimate is shown beside the count it belongs to. */
export interface DistinctText {
  readonly text: string
  /** The estimate exceeded the non-null count (an HLL error), so the count is shown instead. */
  readonly capped: boolean
}

/**
 * A cardinality estimate as `≈2,015`: it is an HLL estimate, not a count. There cannot be more
 * distinct values than non-null values, so an estimate above that count (`2,060` of `2,002`, within
 * HLL's error) is shown at the count and marked `*`.
 */
export const distinctText = (estimate: number, nonNull: number): DistinctText => {
  const rounded = Math.round(estimate)
  if (rounded > nonNull) return { text: `≈${formatNumber(nonNull)}*`, capped: true }
  return { text: `≈${formatNumber(rounded)}`, capped: false }
}

/** The footnote a table with capped estimates carries. */
export const CAPPED_NOTE =
  "* distinct-count estimate above the count of values (HLL error, typically ±1.6%): shown at the count"
