import type { ColumnDrift, ProfileDrift } from "@sketchlog/core/drift"
import { isNoise } from "./RouteSummary.js"
import { countOf, formatNumber, formatPValue, textTable } from "./TextTable.js"

/**
 * Columns whose drift says nothing about the data: timing and sizes move with load and with content
 * lengths, header bookkeeping with clients; the response's own latency field is timing too.
 */
const isOperational = (column: string): boolean =>
  isNoise(column) ||
  /^http\.(duration_ms|(request|response)\.size)$/.test(column) ||
  column === "response.body.latency_ms"

/** The drift of the data columns: a headline whose counts are the table's, and the table. */
export interface DriftSummary {
  readonly headline: string
  readonly table: string
}

const rank = { DRIFT: 0, POSSIBLE_DRIFT: 1, NO_DRIFT: 2 } as const

/**
 * Summarises a comparison over the data columns only (request and response fields, status, error):
 * the headline counts the verdicts of exactly those columns and says how many operational ones it
 * left out; the table lists every data column that drifted or possibly drifted, most severe first.
 */
export const driftSummary = (drift: ProfileDrift, subject: string): DriftSummary => {
  const compared = drift.columns.filter((c) => c.verdict !== undefined)
  const data = compared.filter((c) => !isOperational(c.column))
  const leftOut = compared.length - data.length
  const count = (verdict: ColumnDrift["verdict"]) => data.filter((c) => c.verdict === verdict).length
  const moved = data
    .filter((c) => c.verdict === "DRIFT" || c.verdict === "POSSIBLE_DRIFT")
    .sort(
      (a, b) =>
        rank[a.verdict!] - rank[b.verdict!] || (b.hellinger?.distance ?? 0) - (a.hellinger?.distance ?? 0),
    )
  const headline =
    `■ drift of ${subject}: second half vs. first half — of ${countOf(data.length, "data column")}, ` +
    `${formatNumber(count("DRIFT"))} drifted, ${formatNumber(count("POSSIBLE_DRIFT"))} possibly, ` +
    `${formatNumber(count("NO_DRIFT"))} did not (whylogs' tests and thresholds)\n` +
    `  ${countOf(leftOut, "timing, size or header column")} left out: they move with load, not with the data`
  const table = textTable(
    [
      { header: "column", maxWidth: 34, cut: "middle" },
      { header: "verdict" },
      { header: "hellinger", align: "right" },
      { header: "KS p-value", align: "right" },
      { header: "test on" },
    ],
    moved.map((c) => [
      c.column,
      c.verdict!,
      formatNumber(c.hellinger?.distance),
      c.ks === undefined ? "" : formatPValue(c.ks.pValue),
      c.kind,
    ]),
  )
  return { headline, table }
}
