import type { KllDoublesSketch } from "@sketchlog/sketches"
import { kolmogorovSurvival } from "./internal/kolmogorov.js"

/** Ranks at which whylogs' KS test reads both sketches: 100 evenly spaced points from 0 to 1. */
export const DEFAULT_KS_RANKS: ReadonlyArray<number> = Array.from({ length: 100 }, (_, i) => i / 99)

/** A two-sample Kolmogorov–Smirnov test on two sketches. */
export interface KsResult {
  /** The largest distance found between the two CDFs. */
  readonly statistic: number
  /** P(D ≥ statistic) under "same distribution" at the effective sample size. */
  readonly pValue: number
  /** The effective sample size m·n/(m+n), rounded half to even as numpy does. */
  readonly effectiveN: number
}

/** numpy's `round`: half to even. */
const roundHalfEven = (x: number): number => {
  const floor = Math.floor(x)
  const diff = x - floor
  if (diff > 0.5) return floor + 1
  if (diff < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}

/**
 * whylogs' KS drift test (`KS` in `whylogs.viz.drift`): both sketches' quantiles at `ranks` are
 * walked in merged order and at each one the two CDFs (exclusive rank rule) are compared; the
 * largest gap D is the statistic and its p-value is P(D_n ≥ D) of the one-sample Kolmogorov
 * distribution at n = round(m·n/(m+n)) — scipy's `kstwo.sf`, computed here without scipy. Undefined
 * when either sketch is empty. The statistic carries the sketches' rank error (about 0.3% at k = 1024),
 * so at very large n the p-value flags shifts smaller than that error.
 */
export const ksTest = (
  baseline: KllDoublesSketch,
  target: KllDoublesSketch,
  ranks: ReadonlyArray<number> = DEFAULT_KS_RANKS,
): KsResult | undefined => {
  if (baseline.isEmpty || target.isEmpty) return undefined
  const t = target.getQuantiles(ranks)
  const r = baseline.getQuantiles(ranks)
  let dMax = 0
  const gapAt = (x: number) => {
    if (Number.isNaN(x)) return
    const d = Math.abs(target.getRank(x) - baseline.getRank(x))
    if (d > dMax) dMax = d
  }
  let i = 0
  let j = 0
  while (i < t.length && j < r.length) {
    if (t[i] < r[j]) gapAt(t[i++])
    else gapAt(r[j++])
  }
  while (i < t.length) gapAt(t[i++])
  while (j < r.length) gapAt(r[j++])
  const m = Math.max(target.n, baseline.n)
  const n = Math.min(target.n, baseline.n)
  const effectiveN = Math.max(1, roundHalfEven((m * n) / (m + n)))
  return { statistic: dMax, pValue: kolmogorovSurvival(effectiveN, dMax), effectiveN }
}
