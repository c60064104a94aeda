import type { ProfileDrift } from "@sketchlog/core"
import { isNoise } from "./RouteSummary.js"
import { formatNumber, textTable } from "./TextTable.js"

/** The columns of a drift comparison that moved, most severe first (at most `limit`). */
export const driftTable = (drift: ProfileDrift, limit = 12): string => {
  const rank = { DRIFT: 0, POSSIBLE_DRIFT: 1, NO_DRIFT: 2 } as const
  const moved = drift.columns
    .filter((c) => c.verdict === "DRIFT" || c.verdict === "POSSIBLE_DRIFT")
    // Timing and header bookkeeping move with load and content lengths: not what drift is about here.
    .filter((c) => !isNoise(c.column) && !/^http\.(duration_ms|(request|response)\.size)$/.test(c.column))
    .filter((c) => c.column !== "response.body.latency_ms")
    .sort(
      (a, b) =>
        rank[a.verdict!] - rank[b.verdict!] || (b.hellinger?.distance ?? 0) - (a.hellinger?.distance ?? 0),
    )
    .slice(0, limit)
  return textTable(
    [
      { header: "column", maxWidth: 34 },
      { header: "verdict" },
      { header: "hellinger", align: "right" },
      { header: "KS p-value", align: "right" },
      { header: "test on" },
    ],
    moved.map((c) => [
      c.column,
      c.verdict!,
      formatNumber(c.hellinger?.distance),
      c.ks === undefined ? "" : formatNumber(c.ks.pValue),
      c.kind,
    ]),
  )
}
