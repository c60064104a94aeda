import type { KllDoublesSketch } from "@sketchlog/sketches"
import type { ColumnProfileView } from "../profile/ColumnProfileView.js"
import type { FrequentItem } from "../profile/metrics/FrequentItemsMetric.js"
import type { ResolvedDriftOptions } from "./DriftOptions.js"
import { type DriftVerdict, hellingerVerdict, ksVerdict, worseVerdict } from "./DriftThresholds.js"
import { categoricalHellinger, type HellingerResult, numericHellinger } from "./Hellinger.js"
import { type KsResult, ksTest } from "./KolmogorovSmirnov.js"

/**
 * How a column was compared: `numeric` (Hellinger on KLL histograms and KS on the CDFs),
 * `categorical` (Hellinger on frequent items), `not-comparable` (see `reason`), or present on one
 * side only.
 */
export type ColumnDriftKind = "numeric" | "categorical" | "not-comparable" | "baseline-only" | "target-only"

/** One column's drift between a baseline and a target profile. */
export interface ColumnDrift {
  readonly column: string
  readonly kind: ColumnDriftKind
  readonly hellinger: (HellingerResult & { readonly verdict: DriftVerdict }) | undefined
  readonly ks: (KsResult & { readonly verdict: DriftVerdict }) | undefined
  /** The most severe verdict of the tests that ran; undefined when none could. */
  readonly verdict: DriftVerdict | undefined
  /** Why no test ran, for `not-comparable` and one-sided columns. */
  readonly reason: string | undefined
}

/**
 * What drift compares of one side of a column, whatever holds it (a profile's column view, or a
 * monitor's reduced digest of many profiles).
 */
export interface DriftSample {
  /**
   * The numbers' KLL sketch: undefined when it holds no value, or when the values are booleans (they
   * feed the sketch as 1/0, but their drift is a change of shares: compared as categories).
   */
  readonly numbers: KllDoublesSketch | undefined
  /** The frequent values, asked for only when numbers cannot be compared; undefined without them. */
  readonly frequent: (() => ReadonlyArray<FrequentItem>) | undefined
  /** Values that are not null. */
  readonly nonNull: number
}

/** What the two sides are called in reasons ("the column is not in the baseline"). */
export interface DriftSideNames {
  readonly baseline: string
  readonly target: string
}

/** A column's drift sample from its profile view. */
const columnSample = (column: ColumnProfileView): DriftSample => {
  const sketch = column.distribution?.kll.peek()
  const types = column.types
  const isBoolean = types !== undefined && types.boolean > 0 && types.integral === 0 && types.fractional === 0
  const frequentItems = column.frequentItems
  return {
    numbers: sketch === undefined || sketch.isEmpty || isBoolean ? undefined : sketch,
    frequent: frequentItems === undefined ? undefined : () => frequentItems.items(),
    nonNull: column.counts === undefined ? 0 : column.counts.n - column.counts.null,
  }
}

/**
 * Compares one column. Numbers (both sides' KLL sketches hold values, not booleans) get the
 * Hellinger distance over whylogs' histogram buckets and whylogs' KS test; other columns with
 * frequent items on both sides (strings, booleans, a type that changed) get the Hellinger distance
 * over their frequent values. The verdict is the most severe of the tests that ran.
 */
export const compareColumn = (
  column: string,
  baseline: ColumnProfileView | undefined,
  target: ColumnProfileView | undefined,
  options: ResolvedDriftOptions,
): ColumnDrift =>
  compareSamples(
    column,
    baseline === undefined ? undefined : columnSample(baseline),
    target === undefined ? undefined : columnSample(target),
    options,
  )

/**
 * `compareColumn` over drift samples: the one place the tests are chosen and the verdict made, for
 * profiles and for anything else that keeps a column's sketches (`names` words the reasons).
 */
export const compareSamples = (
  column: string,
  baseline: DriftSample | undefined,
  target: DriftSample | undefined,
  options: ResolvedDriftOptions,
  names: DriftSideNames = { baseline: "baseline", target: "target" },
): ColumnDrift => {
  const none = (kind: ColumnDriftKind, reason: string): ColumnDrift => ({
    column,
    kind,
    hellinger: undefined,
    ks: undefined,
    verdict: undefined,
    reason,
  })
  if (baseline === undefined) return none("target-only", `the column is not in the ${names.baseline}`)
  if (target === undefined) return none("baseline-only", `the column is not in the ${names.target}`)
  const { thresholds } = options
  const a = baseline.numbers
  const b = target.numbers
  if (a !== undefined && b !== undefined) {
    const h = numericHellinger(a, b, options.histogram)
    const k = ksTest(a, b, options.ksRanks)
    const hellinger =
      h === undefined || Number.isNaN(h.distance)
        ? undefined
        : { ...h, verdict: hellingerVerdict(h.distance, thresholds.hellinger) }
    const ks =
      k === undefined || Number.isNaN(k.pValue)
        ? undefined
        : { ...k, verdict: ksVerdict(k.pValue, thresholds.ks) }
    if (hellinger !== undefined || ks !== undefined) {
      const verdicts = [hellinger?.verdict, ks?.verdict].filter((v): v is DriftVerdict => v !== undefined)
      return {
        column,
        kind: "numeric",
        hellinger,
        ks,
        verdict: verdicts.reduce(worseVerdict),
        reason: undefined,
      }
    }
  }
  if (baseline.frequent !== undefined && target.frequent !== undefined) {
    const h = categoricalHellinger(
      { items: baseline.frequent(), total: baseline.nonNull },
      { items: target.frequent(), total: target.nonNull },
    )
    if (h !== undefined && !Number.isNaN(h.distance)) {
      const verdict = hellingerVerdict(h.distance, thresholds.hellinger)
      return {
        column,
        kind: "categorical",
        hellinger: { ...h, verdict },
        ks: undefined,
        verdict,
        reason: undefined,
      }
    }
  }
  const emptySide = baseline.nonNull === 0 ? names.baseline : target.nonNull === 0 ? names.target : undefined
  return none(
    "not-comparable",
    emptySide !== undefined
      ? `the ${emptySide} has no values in this column`
      : "neither a numeric distribution nor frequent items on both sides",
  )
}
