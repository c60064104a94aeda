import type { KllDoublesSketch } from "@sketchlog/sketches"
import type { ColumnProfileView } from "../profile/ColumnProfileView.js"
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

/** The column's KLL sketch, when it has values in it. */
const numbers = (column: ColumnProfileView): KllDoublesSketch | undefined => {
  const sketch = column.distribution?.kll.peek()
  return sketch === undefined || sketch.isEmpty ? undefined : sketch
}

/** Booleans feed the KLL sketch as 1/0, but their drift is a change of shares: compare them as categories. */
const isBoolean = (column: ColumnProfileView): boolean => {
  const types = column.types
  return types !== undefined && types.boolean > 0 && types.integral === 0 && types.fractional === 0
}

const nonNull = (column: ColumnProfileView): number =>
  column.counts === undefined ? 0 : column.counts.n - column.counts.null

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
): ColumnDrift => {
  const none = (kind: ColumnDriftKind, reason: string): ColumnDrift => ({
    column,
    kind,
    hellinger: undefined,
    ks: undefined,
    verdict: undefined,
    reason,
  })
  if (baseline === undefined) return none("target-only", "the column is not in the baseline")
  if (target === undefined) return none("baseline-only", "the column is not in the target")
  const { thresholds } = options
  const a = numbers(baseline)
  const b = numbers(target)
  if (a !== undefined && b !== undefined && !isBoolean(baseline) && !isBoolean(target)) {
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
  if (baseline.frequentItems !== undefined && target.frequentItems !== undefined) {
    const h = categoricalHellinger(
      { items: baseline.frequentItems.items(), total: nonNull(baseline) },
      { items: target.frequentItems.items(), total: nonNull(target) },
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
  const emptySide = nonNull(baseline) === 0 ? "baseline" : nonNull(target) === 0 ? "target" : undefined
  return none(
    "not-comparable",
    emptySide !== undefined
      ? `the ${emptySide} has no values in this column`
      : "neither a numeric distribution nor frequent items on both sides",
  )
}
