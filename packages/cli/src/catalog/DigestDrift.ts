import {
  type ColumnDrift,
  type ColumnDriftKind,
  categoricalHellinger,
  type DriftVerdict,
  hellingerVerdict,
  ksTest,
  ksVerdict,
  numericHellinger,
  type ResolvedDriftOptions,
  worseVerdict,
} from "@sketchlog/core/drift"
import type { ColumnDigest } from "./ColumnDigest.js"

/**
 * One column's drift between two digests, by core's tests exactly as `compareColumn` applies them
 * to profiles: numbers get the Hellinger distance over whylogs' histogram buckets and the KS test,
 * other columns with frequent values on both sides the Hellinger distance over those values; the
 * verdict is the most severe. The digests' sketches are smaller than a profile's (see
 * `DIGEST_KLL_K`), so the statistics carry that rank error on top of the profiles' own.
 */
export const digestDrift = (
  column: string,
  baseline: ColumnDigest | undefined,
  target: ColumnDigest | undefined,
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
  if (baseline === undefined) return none("target-only", "the column is not in the reference")
  if (target === undefined) return none("baseline-only", "the column is not in this window")
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
    const verdicts = [hellinger?.verdict, ks?.verdict].filter((v): v is DriftVerdict => v !== undefined)
    if (verdicts.length > 0) {
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
  if (baseline.hasFrequent && target.hasFrequent) {
    const h = categoricalHellinger(
      { items: baseline.topValues(), total: baseline.nonNull },
      { items: target.topValues(), total: target.nonNull },
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
  const emptySide = baseline.nonNull === 0 ? "reference" : target.nonNull === 0 ? "window" : undefined
  return none(
    "not-comparable",
    emptySide !== undefined
      ? `the ${emptySide} has no values in this column`
      : "neither numbers nor frequent values on both sides",
  )
}

/** The drift score shown and compared by monitors: the Hellinger distance (0 same … 1 disjoint). */
export const driftScore = (drift: ColumnDrift): number | undefined => drift.hellinger?.distance
