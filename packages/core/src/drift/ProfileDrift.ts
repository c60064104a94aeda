import { compareCodePoints } from "../profile/CodePointOrder.js"
import type { DatasetProfileView } from "../profile/DatasetProfileView.js"
import { type ColumnDrift, compareColumn } from "./ColumnDrift.js"
import { type DriftOptions, resolveDriftOptions } from "./DriftOptions.js"
import { type DriftThresholds, type DriftVerdict, worseVerdict } from "./DriftThresholds.js"

/** The drift of every column between two profiles. */
export interface ProfileDrift {
  /** One entry per column of either profile, in whylogs' column order. */
  readonly columns: ReadonlyArray<ColumnDrift>
  /** The thresholds the verdicts were given with. */
  readonly thresholds: DriftThresholds
  /** Columns per verdict; `untested` counts those no test could run on. */
  readonly counts: Readonly<Record<DriftVerdict | "untested", number>>
  /** The most severe column verdict (NO_DRIFT when no column could be tested). */
  readonly verdict: DriftVerdict
}

/**
 * Compares a target profile with a baseline, column by column (see `compareColumn`), with whylogs'
 * tests and default thresholds unless `options` say otherwise. Throws `DriftOptionsError` for bad
 * options.
 */
export const compareProfiles = (
  baseline: DatasetProfileView,
  target: DatasetProfileView,
  options: DriftOptions = {},
): ProfileDrift => {
  const resolved = resolveDriftOptions(options)
  const names = new Set([...baseline.columns.keys(), ...target.columns.keys()])
  const columns = [...names]
    .sort(compareCodePoints)
    .map((name) => compareColumn(name, baseline.getColumn(name), target.getColumn(name), resolved))
  const counts = { NO_DRIFT: 0, POSSIBLE_DRIFT: 0, DRIFT: 0, untested: 0 }
  let verdict: DriftVerdict = "NO_DRIFT"
  for (const column of columns) {
    if (column.verdict === undefined) counts.untested++
    else {
      counts[column.verdict]++
      verdict = worseVerdict(verdict, column.verdict)
    }
  }
  return { columns, thresholds: resolved.thresholds, counts, verdict }
}
