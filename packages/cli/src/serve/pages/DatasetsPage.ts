import type { SeriesResult } from "../../catalog/StoreCatalog.js"
import type { DatasetListing } from "../../catalog/StoreListing.js"
import type { StoreProblem } from "../../catalog/StoreProblem.js"
import { formatWindow } from "../../catalog/TimeWindow.js"
import { ChartSet } from "../../charts/ChartSet.js"
import { COLORS } from "../../charts/ChartSpec.js"
import { formatNumber } from "../../format/numbers.js"
import type { RuleEvaluation } from "../../monitor/RuleEvaluation.js"
import { html, type SafeHtml } from "../../report/html.js"
import { ago, layout, problemsBox } from "./Layout.js"

/** One dataset's line on the datasets page. */
export interface DatasetSummary {
  readonly listing: DatasetListing
  /** Its last 24 hours, hour by hour. */
  readonly day: SeriesResult
  readonly evaluations: ReadonlyArray<RuleEvaluation>
}

const monitorsCell = (evaluations: ReadonlyArray<RuleEvaluation>): SafeHtml => {
  if (evaluations.length === 0) return html`<span class="badge none">no monitors</span>`
  const firing = evaluations.filter((e) => e.status === "firing")
  if (firing.length === 0) {
    return html`<span class="badge ok">${evaluations.length} monitor${evaluations.length === 1 ? "" : "s"} quiet</span>`
  }
  return html`<div class="firing">${firing.map((e) => html`<a class="badge bad" href="/monitors#rule-${e.rule.index}">${e.rule.name}</a>`)}</div>`
}

const card = (summary: DatasetSummary, charts: ChartSet, now: number): SafeHtml => {
  const { listing, day } = summary
  const columns = new Set<string>()
  for (const point of day.points) for (const name of point.columns.keys()) columns.add(name)
  const rows = day.points.reduce((sum, p) => sum + p.rows, 0)
  const href = `/datasets/${encodeURIComponent(listing.datasetId)}`
  const spark = charts.element(
    {
      kind: "spark",
      x: day.points.map((p) => p.start),
      values: day.points.map((p) => p.rows),
      format: "count",
      color: COLORS.primary,
      height: 40,
    },
    `Rows per hour of ${listing.datasetId} over its last 24 hours`,
  )
  return html`<article class="panel dataset-card" data-dataset="${listing.datasetId}">
<div><a class="name" href="${href}">${listing.datasetId}</a>
<div class="meta">newest profile ${formatWindow(listing.latest)} (${ago(listing.latest, now)})</div></div>
<div class="facts"><div><span>columns</span><b>${formatNumber(columns.size)}</b></div><div><span>segments</span><b>${formatNumber(listing.segments.length)}</b></div><div><span>profiles</span><b>${formatNumber(listing.profiles.length)}</b></div></div>
<div><div class="meta">rows per hour, last 24 h · ${formatNumber(rows)} rows</div>${spark}</div>
<div>${monitorsCell(summary.evaluations)}</div>
</article>`
}

/** The home page: every dataset of the store, with its pulse and its monitors. */
export const datasetsPage = (
  storeUrl: string,
  summaries: ReadonlyArray<DatasetSummary>,
  problems: ReadonlyArray<StoreProblem>,
  now: number,
): string => {
  const charts = new ChartSet()
  const firing = summaries.reduce((n, s) => n + s.evaluations.filter((e) => e.status === "firing").length, 0)
  const body = html`<h1>Datasets</h1>
<div class="sub">${summaries.length} dataset${summaries.length === 1 ? "" : "s"} in the store${firing > 0 ? html` · <a href="/monitors"><b>${firing} monitor${firing === 1 ? "" : "s"} firing</b></a>` : ""}</div>
${problemsBox(problems)}
${
  summaries.length === 0
    ? html`<div class="panel empty">No profiles in this store yet. Point a writer at it (for example <code class="mono">sketchlog({ profileDir })</code> in Express), or check the path.</div>`
    : html`<div class="datasets">${summaries.map((s) => card(s, charts, now))}</div>`
}`
  return layout({ title: "Datasets", storeUrl, current: "datasets", body, charts })
}
