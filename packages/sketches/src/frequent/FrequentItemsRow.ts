/**
 * Which mistake `getFrequentItems` must not make, given a threshold:
 * - `"NO_FALSE_POSITIVES"`: only items whose lower bound exceeds the threshold, so every returned
 *   item truly occurs more often than the threshold (some that do may be missing);
 * - `"NO_FALSE_NEGATIVES"`: every item whose upper bound exceeds the threshold, so no item that truly
 *   occurs more often than the threshold is missing, provided the threshold is at least the
 *   sketch's maximum error (some returned items may occur less often).
 */
export type FrequentItemsErrorType = "NO_FALSE_POSITIVES" | "NO_FALSE_NEGATIVES"

/** One frequent item with its estimated weight and guaranteed bounds (lowerBound ≤ true ≤ upperBound). */
export interface FrequentItemsRow<T> {
  readonly item: T
  readonly estimate: number
  readonly lowerBound: number
  readonly upperBound: number
}
