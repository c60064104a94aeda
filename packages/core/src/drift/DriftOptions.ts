import { DriftOptionsError } from "./DriftError.js"
import {
  DEFAULT_DRIFT_THRESHOLDS,
  type DriftThresholds,
  type HellingerThresholds,
  type KsThresholds,
} from "./DriftThresholds.js"
import { DEFAULT_HISTOGRAM_CONFIG, type HistogramConfig } from "./KllHistogram.js"
import { DEFAULT_KS_RANKS } from "./KolmogorovSmirnov.js"

/** Options of a drift comparison; every field is optional and defaults to whylogs' setting. */
export interface DriftOptions {
  readonly hellinger?: OptionalFields<HellingerThresholds> | undefined
  readonly ks?: OptionalFields<KsThresholds> | undefined
  /** Bucketing of numeric columns for the Hellinger distance. */
  readonly histogram?: OptionalFields<HistogramConfig> | undefined
  /** Ranks at which the KS test compares the CDFs (default: 100 evenly spaced from 0 to 1). */
  readonly ksRanks?: ReadonlyArray<number> | undefined
}

/** Every field optional; `undefined` means "the default". */
export type OptionalFields<T> = { readonly [K in keyof T]?: T[K] | undefined }

/** Options with every default filled in and checked. */
export interface ResolvedDriftOptions {
  readonly thresholds: DriftThresholds
  readonly histogram: HistogramConfig
  readonly ksRanks: ReadonlyArray<number>
}

const fraction = (option: string, value: number) => {
  if (!(value >= 0 && value <= 1)) {
    throw new DriftOptionsError({ option, reason: `must be a number from 0 to 1, got ${value}` })
  }
}

const count = (option: string, value: number, least: number) => {
  if (!Number.isInteger(value) || value < least) {
    throw new DriftOptionsError({ option, reason: `must be an integer ≥ ${least}, got ${value}` })
  }
}

/**
 * Fills in whylogs' defaults and checks the options; throws `DriftOptionsError` naming the first bad
 * one (a threshold outside [0, 1], a POSSIBLE_DRIFT band that ends past the DRIFT one, …).
 */
export const resolveDriftOptions = (options: DriftOptions = {}): ResolvedDriftOptions => {
  const hellinger = { ...DEFAULT_DRIFT_THRESHOLDS.hellinger, ...definedOnly(options.hellinger) }
  const ks = { ...DEFAULT_DRIFT_THRESHOLDS.ks, ...definedOnly(options.ks) }
  // A lone DRIFT threshold moved past the default POSSIBLE one narrows the POSSIBLE band to nothing.
  if (options.hellinger?.possible === undefined)
    hellinger.possible = Math.min(hellinger.possible, hellinger.drift)
  if (options.ks?.possible === undefined) ks.possible = Math.max(ks.possible, ks.drift)
  fraction("hellinger.possible", hellinger.possible)
  fraction("hellinger.drift", hellinger.drift)
  fraction("ks.possible", ks.possible)
  fraction("ks.drift", ks.drift)
  if (hellinger.possible > hellinger.drift) {
    throw new DriftOptionsError({
      option: "hellinger.possible",
      reason: `the POSSIBLE_DRIFT distance (${hellinger.possible}) must not exceed the DRIFT distance (${hellinger.drift})`,
    })
  }
  if (ks.possible < ks.drift) {
    throw new DriftOptionsError({
      option: "ks.possible",
      reason: `the POSSIBLE_DRIFT p-value (${ks.possible}) must not be below the DRIFT p-value (${ks.drift})`,
    })
  }
  const histogram = { ...DEFAULT_HISTOGRAM_CONFIG, ...definedOnly(options.histogram) }
  count("histogram.maxBuckets", histogram.maxBuckets, 1)
  count("histogram.minBuckets", histogram.minBuckets, 1)
  if (!(histogram.avgPerBucket > 0)) {
    throw new DriftOptionsError({
      option: "histogram.avgPerBucket",
      reason: `must be a positive number, got ${histogram.avgPerBucket}`,
    })
  }
  const ksRanks = options.ksRanks ?? DEFAULT_KS_RANKS
  if (ksRanks.length === 0 || ksRanks.some((r) => !(r >= 0 && r <= 1))) {
    throw new DriftOptionsError({
      option: "ksRanks",
      reason: "must be a non-empty list of ranks from 0 to 1",
    })
  }
  return { thresholds: { hellinger, ks }, histogram, ksRanks }
}

const definedOnly = <T extends object>(value: OptionalFields<T> | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>
