/**
 * Drift: how far a target profile's columns moved from a baseline's, with the tests whylogs' drift
 * report uses — the Hellinger distance on KLL-derived histograms (numbers) and on frequent items
 * (categories), and the Kolmogorov–Smirnov test on the sketches' CDFs — and whylogs' verdicts
 * (NO_DRIFT, POSSIBLE_DRIFT, DRIFT) under thresholds that can be changed.
 */
export {
  type ColumnDrift,
  type ColumnDriftKind,
  compareColumn,
  compareSamples,
  type DriftSample,
  type DriftSideNames,
} from "./ColumnDrift.js"
export { DriftOptionsError } from "./DriftError.js"
export {
  type DriftOptions,
  type OptionalFields,
  type ResolvedDriftOptions,
  resolveDriftOptions,
} from "./DriftOptions.js"
export {
  DEFAULT_DRIFT_THRESHOLDS,
  type DriftThresholds,
  type DriftVerdict,
  driftVerdicts,
  type HellingerThresholds,
  hellingerVerdict,
  type KsThresholds,
  ksVerdict,
  worseVerdict,
} from "./DriftThresholds.js"
export {
  categoricalHellinger,
  type HellingerResult,
  hellingerDistance,
  numericHellinger,
  OTHER_VALUES,
} from "./Hellinger.js"
export {
  DEFAULT_HISTOGRAM_CONFIG,
  finiteRange,
  type HistogramConfig,
  histogramEdges,
  type KllHistogram,
  kllHistogram,
  sharedHistogramEdges,
} from "./KllHistogram.js"
export { DEFAULT_KS_RANKS, type KsResult, ksTest } from "./KolmogorovSmirnov.js"
export { compareProfiles, type ProfileDrift } from "./ProfileDrift.js"
