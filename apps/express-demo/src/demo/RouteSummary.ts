import type { ColumnProfileView, DatasetProfileView } from "@sketchlog/core"
import { CAPPED_NOTE, distinctText } from "./DistinctCount.js"
import { formatNumber, textTable } from "./TextTable.js"

/** Columns of every row that say little in a summary (header presence flags, body bookkeeping). */
export const isNoise = (column: string): boolean =>
  /^http\.(request|response)\.headers\./.test(column) ||
  /^http\.(request|response)\.(header_count|headers_size|body_fields|body_truncated)$/.test(column) ||
  column === "http.route" ||
  column === "http.method" ||
  column === "http.status_class" ||
  column === "http.query.key_count"

/** The type most of a column's values had. */
const typeOf = (column: ColumnProfileView): string => {
  const t = column.types
  if (t === undefined) return "?"
  const counts: Array<[string, number]> = [
    ["int", t.integral],
    ["float", t.fractional],
    ["bool", t.boolean],
    ["string", t.string],
    ["object", t.object],
    ["tensor", t.tensor],
  ]
  const [name, n] = counts.reduce((best, c) => (c[1] > best[1] ? c : best))
  return n === 0 ? "null" : name
}

const topValues = (column: ColumnProfileView, howMany: number): string => {
  const items = column.frequentItems?.items() ?? []
  return items
    .slice(0, howMany)
    .map(
      (item) =>
        `${item.value.length > 16 ? `${item.value.slice(0, 15)}…` : item.value} (${formatNumber(item.est)})`,
    )
    .join(", ")
}

/**
 * A per-column table of one route's profile: count, nulls, mean, median and p95, cardinality (an
 * estimate, `≈`) and the most frequent values, for the request and response fields and the HTTP facts
 * worth reading.
 */
export const routeSummaryTable = (view: DatasetProfileView): string => {
  const rows: Array<Array<string>> = []
  let capped = false
  for (const [name, column] of view.columns) {
    const counts = column.counts
    if (isNoise(name) || (counts?.n ?? 0) === 0) continue
    const dist = column.distribution
    const numeric = dist !== undefined && dist.n > 0 && typeOf(column) !== "bool"
    rows.push([
      name,
      typeOf(column),
      formatNumber(counts?.n),
      formatNumber(counts?.null),
      numeric ? formatNumber(dist.mean) : "",
      numeric ? formatNumber(dist.quantile(0.5)) : "",
      numeric ? formatNumber(dist.quantile(0.95)) : "",
      column.cardinality === undefined
        ? ""
        : distinct(column.cardinality.estimate, (counts?.n ?? 0) - (counts?.null ?? 0)),
      topValues(column, 3),
    ])
  }
  const table = textTable(
    [
      { header: "column", maxWidth: 34, cut: "middle" },
      { header: "type" },
      { header: "count", align: "right" },
      { header: "nulls", align: "right" },
      { header: "mean", align: "right" },
      { header: "p50", align: "right" },
      { header: "p95", align: "right" },
      { header: "distinct", align: "right" },
      { header: "top values (est. count)", maxWidth: 60 },
    ],
    rows,
  )
  return capped ? `${table}\n${CAPPED_NOTE}` : table
  function distinct(estimate: number, nonNull: number): string {
    const shown = distinctText(estimate, nonNull)
    capped ||= shown.capped
    return shown.text
  }
}
