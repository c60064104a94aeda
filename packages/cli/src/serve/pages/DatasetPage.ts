import type { ColumnDrift } from "@sketchlog/core/drift"
import { columnGroup, orderColumns } from "../../catalog/ColumnGroups.js"
import type { SeriesResult } from "../../catalog/StoreCatalog.js"
import type { DatasetListing } from "../../catalog/StoreListing.js"
import type { StoreProblem } from "../../catalog/StoreProblem.js"
import { formatWindow } from "../../catalog/TimeWindow.js"
import type { ColumnPoint } from "../../catalog/WindowPoint.js"
import { ChartSet } from "../../charts/ChartSet.js"
import { COLORS, type NumberFormat } from "../../charts/ChartSpec.js"
import { formatNumber, formatPercent } from "../../format/numbers.js"
import type { RuleEvaluation } from "../../monitor/RuleEvaluation.js"
import { formatRuleValue, measuredText, thresholdText } from "../../monitor/RuleText.js"
import { html, type SafeHtml } from "../../report/html.js"
import type { PageQuery } from "../PageQuery.js"
import { controls } from "./Controls.js"
import { driftBadge } from "./DriftBadge.js"
import { ago, layout, problemsBox, typePill } from "./Layout.js"

/** Everything the dataset page shows. */
export interface DatasetPageInput {
  readonly storeUrl: string
  readonly listing: DatasetListing
  readonly query: PageQuery
  readonly series: SeriesResult
  /** Drift of each column of the range against the reference. */
  readonly drift: ReadonlyMap<string, ColumnDrift>
  readonly referenceRows: number
  readonly evaluations: ReadonlyArray<RuleEvaluation>
  readonly problems: ReadonlyArray<StoreProblem>
}

const last = <A>(values: ReadonlyArray<A | undefined>): A | undefined => {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== undefined) return values[i]
  return undefined
}

/** A trend cell: the sparkline and the latest value beside it; sorts by that value. */
const trend = (
  charts: ChartSet,
  x: ReadonlyArray<number>,
  values: ReadonlyArray<number | undefined>,
  format: NumberFormat,
  shown: string,
  label: string,
  color: string = COLORS.primary,
): SafeHtml => {
  const latest = last(values)
  const spark = charts.element(
    {
      kind: "spark",
      x,
      values: values.map((v) => (v === undefined || Number.isNaN(v) ? null : v)),
      format,
      color,
    },
    label,
    "chart-spark",
  )
  return html`<td class="num" data-sort="${latest === undefined || Number.isNaN(latest) ? -1 : latest}"><div class="trend">${spark}<span class="v">${shown}</span></div></td>`
}

const columnRow = (
  name: string,
  input: DatasetPageInput,
  charts: ChartSet,
  base: string,
  query: string,
): SafeHtml => {
  const points = input.series.points
  const x = points.map((p) => p.start)
  const of = (f: (c: ColumnPoint) => number | undefined) =>
    points.map((p) => {
      const c = p.columns.get(name)
      return c === undefined ? undefined : f(c)
    })
  const counts = of((c) => c.n)
  const nullShares = of((c) => (c.n === 0 ? undefined : c.nulls / c.n))
  const medians = of((c) => c.bands?.[2])
  const distinct = of((c) => c.cardinality)
  const total = counts.reduce<number>((s, v) => s + (v ?? 0), 0)
  const nulls = points.reduce((s, p) => s + (p.columns.get(name)?.nulls ?? 0), 0)
  const type = last(points.map((p) => p.columns.get(name)?.inferredType)) ?? "unknown"
  const drift = input.drift.get(name)
  const score = drift?.hellinger?.distance
  return html`<tr data-name="${name}">
<td class="name" data-sort-text><a class="mono" href="${base}/columns/${encodeURIComponent(name)}${query}">${name}</a> ${typePill(type)}</td>
${trend(charts, x, counts, "count", formatNumber(total), `Count of ${name} per window`)}
${trend(charts, x, nullShares, "share", formatPercent(total === 0 ? undefined : nulls / total), `Null share of ${name} per window`, COLORS.nulls)}
${trend(charts, x, medians, "number", formatNumber(last(medians)), `Median of ${name} per window`)}
${trend(charts, x, distinct, "count", formatNumber(last(distinct) === undefined ? undefined : Math.round(last(distinct) as number)), `Distinct values of ${name} per window`, COLORS.series[3])}
<td class="num" data-sort="${score ?? -1}">${driftBadge(drift)}</td>
</tr>`
}

const columnTable = (
  id: string,
  names: ReadonlyArray<string>,
  input: DatasetPageInput,
  charts: ChartSet,
  base: string,
  query: string,
): SafeHtml =>
  html`<table class="data sortable" id="${id}">
<thead><tr><th data-sortable>Column</th><th class="num" data-sortable>Count</th><th class="num" data-sortable>Null share</th><th class="num" data-sortable>Median (latest)</th><th class="num" data-sortable>Distinct (latest)</th><th class="num" data-sortable title="Hellinger distance of the range against the reference: 0 same, 1 disjoint">Drift</th></tr></thead>
<tbody>${names.map((name) => columnRow(name, input, charts, base, query))}</tbody></table>`

const monitorsPanel = (evaluations: ReadonlyArray<RuleEvaluation>): SafeHtml => {
  if (evaluations.length === 0) return html``
  return html`<h2>Monitors<span class="count">${evaluations.length}</span></h2>
<table class="data"><thead><tr><th>Rule</th><th>Measures</th><th>Window</th><th class="num">Value</th><th>Threshold</th><th>Status</th></tr></thead><tbody>${evaluations.map(
    (e) => {
      const worst = e.outcomes.find((o) => o.status === "firing") ?? e.outcomes[0]
      return html`<tr><td><a href="/monitors#rule-${e.rule.index}">${e.rule.name}</a></td><td class="mono">${measuredText(e.rule, worst?.column ?? e.rule.column)}</td><td>${formatWindow(e.window.from, e.rule.window === "1d" ? "day" : "hour")}</td><td class="num">${formatRuleValue(e.rule, worst?.value)}</td><td>${thresholdText(e.rule)}</td><td>${e.status === "firing" ? html`<span class="badge bad">firing</span>` : e.status === "ok" ? html`<span class="badge ok">ok</span>` : html`<span class="badge none">no data</span>`}</td></tr>`
    },
  )}</tbody></table>`
}

/** A dataset: rows over time, a sortable table of its columns with trends and drift, its monitors. */
export const datasetPage = (input: DatasetPageInput): string => {
  const { listing, query, series } = input
  const charts = new ChartSet()
  const base = `/datasets/${encodeURIComponent(listing.datasetId)}`
  const queryText = query.params.toString() === "" ? "" : `?${query.params.toString()}`
  const names = new Set<string>()
  for (const point of series.points) for (const name of point.columns.keys()) names.add(name)
  const ordered = orderColumns(names)
  const model = ordered.filter((n) => columnGroup(n) !== "http")
  const housekeeping = ordered.filter((n) => columnGroup(n) === "http")
  const rows = series.points.reduce((s, p) => s + p.rows, 0)
  const profiles = series.points.reduce((s, p) => s + p.profiles, 0)
  const verdicts = [...input.drift.values()].map((d) => d.hellinger?.verdict)
  const drifted = verdicts.filter((v) => v === "DRIFT").length
  const possible = verdicts.filter((v) => v === "POSSIBLE_DRIFT").length
  const rowsChart = charts.element(
    {
      kind: "time",
      x: series.points.map((p) => p.start),
      format: "count",
      series: [
        {
          label: "rows",
          values: series.points.map((p) => p.rows),
          color: COLORS.primary,
          fill: COLORS.primaryFill,
        },
      ],
      height: 180,
    },
    `Rows per ${query.resolution} of ${listing.datasetId}`,
    "rows-chart",
  )
  const body = html`<div class="crumbs"><a href="/">Datasets</a> /</div>
<h1>${listing.datasetId}</h1>
<div class="sub">${formatNumber(listing.profiles.length)} profiles · ${listing.segments.length} segment${listing.segments.length === 1 ? "" : "s"} · newest ${formatWindow(listing.latest)} (${ago(listing.latest)}) · showing ${formatWindow(query.range.from)} → ${formatWindow(query.range.to)}, drift against ${formatWindow(query.reference.from)} → ${formatWindow(query.reference.to)}</div>
${controls(listing, query)}
${problemsBox(input.problems)}
<div class="kpis">
<div class="kpi"><span class="label">Rows</span><span class="value">${formatNumber(rows)}</span></div>
<div class="kpi"><span class="label">Profiles</span><span class="value">${formatNumber(profiles)}</span></div>
<div class="kpi"><span class="label">Columns</span><span class="value">${formatNumber(names.size)}</span></div>
<div class="kpi ${drifted > 0 ? "bad" : "good"}"><span class="label">Drifted columns</span><span class="value">${drifted}</span></div>
<div class="kpi ${possible > 0 ? "warn" : "good"}"><span class="label">Possible drift</span><span class="value">${possible}</span></div>
<div class="kpi"><span class="label">Reference rows</span><span class="value">${formatNumber(input.referenceRows)}</span></div>
</div>
<div class="panel"><h3>Rows per ${query.resolution}</h3>${rowsChart}</div>
${monitorsPanel(input.evaluations)}
<h2>Columns<span class="count">${names.size}</span></h2>
${
  names.size === 0
    ? html`<div class="panel empty">No profiles in this range. Choose a longer range, or another segment.</div>`
    : html`<div class="controls"><label>Filter columns<input type="search" placeholder="name contains…" data-filter-for="columns-model"></label></div>
${columnTable("columns-model", model, input, charts, base, queryText)}
${
  housekeeping.length === 0
    ? html``
    : html`<details class="fold"><summary>HTTP housekeeping: ${housekeeping.length} columns (route, status, sizes, headers)</summary>${columnTable("columns-http", housekeeping, input, charts, base, queryText)}</details>`
}`
}
<p class="legend-note">Drift: Hellinger distance of each column over the range against the reference (whylogs' thresholds: possible ≥ 0.15, drift ≥ 0.4); hover a score for the KS test. Trends: one point per ${query.resolution}.</p>`
  return layout({ title: listing.datasetId, storeUrl: input.storeUrl, current: "datasets", body, charts })
}
