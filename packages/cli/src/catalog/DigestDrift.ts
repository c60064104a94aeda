import {
  type ColumnDrift,
  compareSamples,
  type DriftSample,
  type ResolvedDriftOptions,
} from "@sketchlog/core/drift"
import type { ColumnDigest } from "./ColumnDigest.js"

/** What core's drift compares of a digest's column: its numbers, its frequent values, its non-null count. */
const sampleOf = (digest: ColumnDigest): DriftSample => ({
  numbers: digest.numbers,
  frequent: digest.hasFrequent ? () => digest.topValues() : undefined,
  nonNull: digest.nonNull,
})

/**
 * One column's drift between two digests, by core's tests exactly as `compareColumn` applies them
 * to profiles (`compareSamples`: the same choice of tests and verdict). The digests' sketches are
 * smaller than a profile's (see `DIGEST_KLL_K`), so the statistics carry that rank error on top of
 * the profiles' own.
 */
export const digestDrift = (
  column: string,
  baseline: ColumnDigest | undefined,
  target: ColumnDigest | undefined,
  options: ResolvedDriftOptions,
): ColumnDrift =>
  compareSamples(
    column,
    baseline === undefined ? undefined : sampleOf(baseline),
    target === undefined ? undefined : sampleOf(target),
    options,
    { baseline: "reference", target: "window" },
  )

/** The drift score shown and compared by monitors: the Hellinger distance (0 same … 1 disjoint). */
export const driftScore = (drift: ColumnDrift): number | undefined => drift.hellinger?.distance
