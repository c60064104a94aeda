/** The verdict of a drift test, in whylogs' categories, from least to most severe. */
export type DriftVerdict = "NO_DRIFT" | "POSSIBLE_DRIFT" | "DRIFT"

/** Verdicts in order of severity (index = severity). */
export const driftVerdicts: ReadonlyArray<DriftVerdict> = ["NO_DRIFT", "POSSIBLE_DRIFT", "DRIFT"]

/** The more severe of two verdicts. */
export const worseVerdict = (a: DriftVerdict, b: DriftVerdict): DriftVerdict =>
  driftVerdicts.indexOf(a) >= driftVerdicts.indexOf(b) ? a : b

/**
 * Where a Hellinger distance (0 = same distribution, 1 = disjoint) turns into a verdict: at or above
 * `drift` it is DRIFT, at or above `possible` POSSIBLE_DRIFT, below it NO_DRIFT. whylogs' defaults.
 */
export interface HellingerThresholds {
  readonly possible: number
  readonly drift: number
}

/**
 * Where a Kolmogorov–Smirnov p-value turns into a verdict: below `drift` it is DRIFT, below
 * `possible` POSSIBLE_DRIFT, at or above it NO_DRIFT. whylogs' defaults.
 */
export interface KsThresholds {
  readonly possible: number
  readonly drift: number
}

/** Thresholds of both tests. */
export interface DriftThresholds {
  readonly hellinger: HellingerThresholds
  readonly ks: KsThresholds
}

/** whylogs' defaults (`HellingerConfig`, `KSTestConfig`): Hellinger 0.15 / 0.4, KS p-value 0.15 / 0.05. */
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = {
  hellinger: { possible: 0.15, drift: 0.4 },
  ks: { possible: 0.15, drift: 0.05 },
}

/** The verdict of a Hellinger distance. */
export const hellingerVerdict = (distance: number, thresholds: HellingerThresholds): DriftVerdict =>
  distance >= thresholds.drift ? "DRIFT" : distance >= thresholds.possible ? "POSSIBLE_DRIFT" : "NO_DRIFT"

/** The verdict of a KS p-value. */
export const ksVerdict = (pValue: number, thresholds: KsThresholds): DriftVerdict =>
  pValue < thresholds.drift ? "DRIFT" : pValue < thresholds.possible ? "POSSIBLE_DRIFT" : "NO_DRIFT"
