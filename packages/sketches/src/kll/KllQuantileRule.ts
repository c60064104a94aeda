/**
 * How a KLL sketch turns a normalized rank into a quantile.
 *
 * - `"whylogs"` (the default): the rule of DataSketches 3.4, which whylogs v1 uses. Walk the retained
 *   items in ascending order; an item's cumulative weight is the weight *before* it (exclusive, the
 *   default) or *including* it (inclusive); with `w = trunc(rank · n)` the answer is the first item whose
 *   cumulative weight is ≥ w, else the last item. Rank 0 gives the exact minimum, rank 1 the exact
 *   maximum.
 * - `"v5"`: the rule of current DataSketches (C++/Java/Go 5.x), cumulative weights always inclusive.
 *   Inclusive (its default): the first item whose cumulative weight is ≥ ceil(rank · n). Exclusive:
 *   the first item whose cumulative weight is > trunc(rank · n), else the last item. Ranks 0 and 1 get
 *   no special treatment.
 *
 * Ranks, CDF and PMF mean the same under both rules: the weight of the items below a value (exclusive)
 * or at or below it (inclusive), divided by n. Only the float rounding of PMF differs: whylogs divides
 * each bucket's weight by n, v5 subtracts consecutive CDF values.
 */
export type KllQuantileRule = "whylogs" | "v5"

/** Options of a quantile, rank, CDF or PMF query. */
export interface KllQueryOptions {
  /** Include the weight of an item equal to the value or rank asked for. Default: exclusive under
   * `"whylogs"`, inclusive under `"v5"` (each library's own default). */
  readonly inclusive?: boolean
  /** Overrides the sketch's rule (see {@link KllQuantileRule}) for this query. */
  readonly rule?: KllQuantileRule
}
