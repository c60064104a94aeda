import type { ColumnDrift } from "@sketchlog/core/drift"
import { type ColumnDigest, TYPE_NAMES } from "../../catalog/ColumnDigest.js"
import type { SeriesResult } from "../../catalog/StoreCatalog.js"
import type { DatasetListing } from "../../catalog/StoreListing.js"
import type { StoreProblem } from "../../catalog/StoreProblem.js"
import { formatWindow } from "../../catalog/TimeWindow.js"
import { ChartSet } from "../../charts/ChartSet.js"
import { COLORS, type NumberFormat } from "../../charts/ChartSpec.js"
import { distributionChart } from "../../charts/DistributionChart.js"
import { formatNumber, formatPercent } from "../../format/numbers.js"
import { html, type SafeHtml } from "../../report/html.js"
import type { PageQuery } from "../PageQuery.js"
import { controls } from "./Controls.js"
import { driftBadge } from "./DriftBadge.js"
import { layout, problemsBox, typePill } from "./Layout.js"

/** Everything the column page shows. */
export interface ColumnPageInput {
  readonly storeUrl: string
  readonly listing: DatasetListing
  readonly column: string
  readonly query: PageQuery
  readonly series: SeriesResult
  /** The chosen window (start) and its digest of the column. */
  readonly window: number | undefined
  readonly windowDigest: ColumnDigest | undefined
  readonly referenceDigest: ColumnDigest | undefined
  readonly drift: ColumnDrift | undefined
  readonly problems: ReadonlyArray<StoreProblem>
}

const nullable = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v)

/** A column over time: quantile bands, counts and nulls, types, distinct values, top values, and a window against the reference. */
export const columnPage = (input: ColumnPageInput): string => {
  const { listing, column, query, series } = input
  const charts = new ChartSet()
  const points = series.points
  const x = points.map((p) => p.start)
  const cols = points.map((p) => p.columns.get(column))
  const type = [...cols].reverse().find((c) => c !== undefined)?.inferredType ?? "unknown"
  const format: NumberFormat = type === "integral" || type === "boolean" ? "integer" : "number"
  const panels: SafeHtml[] = []
  const panel = (title: string, chart: SafeHtml, extra: SafeHtml = html``) =>
    panels.push(html`<section class="panel"><h3>${title}</h3>${chart}${extra}</section>`)
  const hasNumbers = cols.some((c) => c?.bands !== undefined)
  if (hasNumbers) {
    const band = (i: number) => cols.map((c) => nullable(c?.bands?.[i]))
    panel(
      "Quantiles over time",
      charts.element(
        {
          kind: "time",
          x,
          format,
          series: [
            { label: "p95", values: band(4), color: "#748ffc", width: 1 },
            { label: "p75", values: band(3), color: "#5c7cfa", width: 1 },
            { label: "median", values: band(2), color: COLORS.primary, width: 2 },
            { label: "p25", values: band(1), color: "#5c7cfa", width: 1 },
            { label: "p5", values: band(0), color: "#748ffc", width: 1 },
          ],
          bands: [
            [1, 5, COLORS.band],
            [2, 4, COLORS.bandInner],
          ],
        },
        `Quantiles of ${column} per ${query.resolution}`,
        "bands-chart",
      ),
      html`<p class="legend-note">Bands: 5–95% (light) and 25–75% (dark) of the values in each ${query.resolution}, median as the line.</p>`,
    )
  }
  panel(
    "Values and nulls",
    charts.element(
      {
        kind: "time",
        x,
        format: "count",
        series: [
          {
            label: "values",
            values: cols.map((c) => nullable(c?.n)),
            color: COLORS.primary,
            fill: COLORS.primaryFill,
          },
          { label: "nulls", values: cols.map((c) => nullable(c?.nulls)), color: COLORS.nulls },
        ],
      },
      `Values and nulls of ${column} per ${query.resolution}`,
      "counts-chart",
    ),
  )
  const typesPresent = TYPE_NAMES.filter((t) => cols.some((c) => (c?.types[t] ?? 0) > 0))
  if (typesPresent.length > 0) {
    panel(
      "Types over time",
      charts.element(
        {
          kind: "time",
          x,
          format: "share",
          series: typesPresent.map((t, i) => ({
            label: t,
            color: COLORS.series[i % COLORS.series.length] as string,
            values: cols.map((c) => {
              if (c === undefined) return null
              const total = TYPE_NAMES.reduce((s, name) => s + c.types[name], 0)
              return total === 0 ? null : c.types[t] / total
            }),
          })),
        },
        `Types of ${column} per ${query.resolution}`,
        "types-chart",
      ),
    )
  }
  if (cols.some((c) => c?.cardinality !== undefined)) {
    panel(
      "Distinct values",
      charts.element(
        {
          kind: "time",
          x,
          format: "count",
          series: [
            {
              label: "distinct (est.)",
              values: cols.map((c) =>
                nullable(c?.cardinality === undefined ? undefined : Math.round(c.cardinality)),
              ),
              color: COLORS.series[3],
            },
          ],
        },
        `Distinct values of ${column} per ${query.resolution}`,
        "distinct-chart",
      ),
    )
  }
  const weight = new Map<string, number>()
  for (const c of cols)
    for (const item of c?.top ?? []) weight.set(item.value, (weight.get(item.value) ?? 0) + item.est)
  const topValues = [...weight.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([v]) => v)
  // Frequent values say something about categories and small sets of integers, not about measurements.
  const distinctMax = Math.max(0, ...cols.map((c) => c?.cardinality ?? 0))
  const categorical = type === "string" || type === "boolean" || (type === "integral" && distinctMax <= 50)
  if (categorical && topValues.length > 0) {
    panel(
      "Top values over time",
      charts.element(
        {
          kind: "time",
          x,
          format: "share",
          series: topValues.map((value, i) => ({
            label: value === "" ? "(empty)" : value.length > 24 ? `${value.slice(0, 23)}…` : value,
            color: COLORS.series[i % COLORS.series.length] as string,
            values: cols.map((c) => {
              if (c === undefined || c.n - c.nulls <= 0) return null
              return (c.top.find((t) => t.value === value)?.est ?? 0) / (c.n - c.nulls)
            }),
          })),
        },
        `Shares of the top values of ${column} per ${query.resolution}`,
        "top-chart",
      ),
    )
  }
  const windowLabel = input.window === undefined ? "window" : formatWindow(input.window, query.resolution)
  const distribution =
    input.windowDigest === undefined
      ? undefined
      : distributionChart(input.windowDigest, input.referenceDigest, [windowLabel, "reference"])
  const windowOptions = points
    .filter((p) => p.columns.has(column))
    .map((p) => p.start)
    .reverse()
  const windowPicker = html`<label>Window for the distribution<select name="window">${windowOptions.map(
    (start) =>
      html`<option value="${start}"${start === input.window ? html` selected` : html``}>${formatWindow(start, query.resolution)}</option>`,
  )}</select></label>`
  panels.push(
    html`<section class="panel"><h3>Distribution: ${windowLabel} against the reference ${driftBadge(input.drift)}</h3>${
      distribution === undefined
        ? html`<div class="empty">No values in this window.</div>`
        : html`${charts.element(distribution.spec, `Distribution of ${column} in ${windowLabel} against the reference`, "distribution-chart")}${distribution.note === "" ? html`` : html`<p class="legend-note">${distribution.note}</p>`}`
    }<p class="legend-note">Reference: ${formatWindow(query.reference.from)} → ${formatWindow(query.reference.to)}${input.referenceDigest === undefined ? " (no profiles)" : ""}. Shares of each side's own values.</p></section>`,
  )
  const totals = cols.reduce((acc, c) => ({ n: acc.n + (c?.n ?? 0), nulls: acc.nulls + (c?.nulls ?? 0) }), {
    n: 0,
    nulls: 0,
  })
  const median = input.windowDigest?.quantiles([0.5])?.[0]
  const body = html`<div class="crumbs"><a href="/">Datasets</a> / <a href="/datasets/${encodeURIComponent(listing.datasetId)}?${query.params.toString()}">${listing.datasetId}</a> /</div>
<h1 class="mono">${column} ${typePill(type)}</h1>
<div class="sub">showing ${formatWindow(query.range.from)} → ${formatWindow(query.range.to)} by ${query.resolution}${query.segment === undefined ? " · all segments" : ` · segment ${query.segment === "" ? "(unsegmented)" : query.segment}`}</div>
${controls(listing, query, windowPicker)}
${problemsBox(input.problems)}
<div class="kpis">
<div class="kpi"><span class="label">Values</span><span class="value">${formatNumber(totals.n)}</span></div>
<div class="kpi"><span class="label">Null share</span><span class="value">${formatPercent(totals.n === 0 ? undefined : totals.nulls / totals.n)}</span></div>
<div class="kpi"><span class="label">Distinct in window (est.)</span><span class="value">${formatNumber(input.windowDigest?.cardinality === undefined ? undefined : Math.round(input.windowDigest.cardinality))}</span></div>
<div class="kpi"><span class="label">Median in window</span><span class="value">${formatNumber(median)}</span></div>
<div class="kpi ${input.drift?.hellinger?.verdict === "DRIFT" ? "bad" : input.drift?.hellinger?.verdict === "POSSIBLE_DRIFT" ? "warn" : ""}"><span class="label">Drift of window</span><span class="value">${input.drift?.hellinger === undefined ? "—" : input.drift.hellinger.distance.toFixed(2)}</span></div>
</div>
<div class="grid two">${panels}</div>`
  return layout({
    title: `${column} · ${listing.datasetId}`,
    storeUrl: input.storeUrl,
    current: "datasets",
    body,
    charts,
  })
}
