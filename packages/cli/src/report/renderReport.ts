import type { DatasetProfileView } from "@sketchlog/core"
import type { ColumnDrift } from "@sketchlog/core/drift"
import { SKETCHLOG_VERSION } from "@sketchlog/core/platform"
import { TYPE_NAMES } from "../catalog/ColumnDigest.js"
import { assetText, cspHash } from "../charts/ChartAssets.js"
import { ChartSet } from "../charts/ChartSet.js"
import { COLORS } from "../charts/ChartSpec.js"
import { distributionChart } from "../charts/DistributionChart.js"
import { formatNumber, formatPercent } from "../format/numbers.js"
import { html, type SafeHtml, trusted } from "./html.js"
import {
  buildReportModel,
  type ColumnModel,
  type ReportModel,
  type ReportOptions,
  type ReportSection,
} from "./ReportModel.js"
import { REPORT_CSS } from "./styles.js"

/** uPlot and the chart components, inlined: the report needs nothing from the network. */
const inlineScripts = (): { readonly uplot: string; readonly charts: string } => ({
  uplot: inlineSafe(assetText("uPlot.iife.min.js")),
  charts: inlineSafe(`${assetText("charts.js")}\nmountCharts(document)\n`),
})

/** Script text that cannot end its `<script>` element early (`<\/script` means the same to JavaScript). */
const inlineSafe = (code: string): string => code.replace(/<\/(script)/gi, "<\\/$1")

/**
 * Only the two inline scripts (uPlot and the chart components, by hash) may run, and nothing may be
 * fetched: chart data is a JSON block (data, never run), every text from a profile is escaped.
 */
const contentSecurityPolicy = (scripts: ReadonlyArray<string>): string =>
  `default-src 'none'; script-src ${scripts.map(cspHash).join(" ")}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`

const driftBadge = (drift: ColumnDrift | undefined): SafeHtml => {
  if (drift === undefined) return html``
  const details = [
    drift.hellinger === undefined ? undefined : `Hellinger ${drift.hellinger.distance.toFixed(3)}`,
    drift.ks === undefined
      ? undefined
      : `KS D ${drift.ks.statistic.toFixed(3)}, p ${drift.ks.pValue < 1e-4 ? drift.ks.pValue.toExponential(1) : drift.ks.pValue.toFixed(4)}`,
  ]
    .filter((d) => d !== undefined)
    .join(" · ")
  switch (drift.verdict) {
    case "DRIFT":
      return html`<span class="badge drift" title="${details}">Drift</span>`
    case "POSSIBLE_DRIFT":
      return html`<span class="badge possible" title="${details}">Possible drift</span>`
    case "NO_DRIFT":
      return html`<span class="badge ok" title="${details}">No drift</span>`
    default:
      return html`<span class="badge untested" title="${drift.reason ?? ""}">${drift.kind === "target-only" ? "New column" : "Not compared"}</span>`
  }
}

const typePill = (type: string): SafeHtml => html`<span class="pill t-${type}">${type}</span>`

const topValueText = (column: ColumnModel): string => {
  const top = column.facts.topValues?.[0]
  const nonNull = column.facts.count - column.facts.nulls
  if (top === undefined) return ""
  return `${top.value === "" ? "(empty string)" : top.value} · ${formatPercent(nonNull > 0 ? top.est / nonNull : undefined)}`
}

const summaryTable = (columns: ReadonlyArray<ColumnModel>, withDrift: boolean): SafeHtml => {
  const rows = columns.map((c) => {
    const f = c.facts
    const nullShare = Number.isNaN(f.nullRatio) ? 0 : f.nullRatio
    return html`<tr>
<td class="name-cell mono"><a href="#${c.anchor}">${c.name}</a></td>
<td>${typePill(f.type)}</td>
<td class="num">${formatNumber(f.count)}</td>
<td class="num"><span class="null-cell">${formatPercent(f.nullRatio)}<span class="meter"><span style="width:${trusted((nullShare * 100).toFixed(1))}%"></span></span></span></td>
<td class="num">${formatNumber(f.distinct === undefined ? undefined : Math.round(f.distinct))}</td>
<td class="num">${formatNumber(f.mean)}</td>
<td class="num">${formatNumber(f.median)}</td>
<td class="num">${formatNumber(f.min)}</td>
<td class="num">${formatNumber(f.max)}</td>
<td class="top-cell" title="${topValueText(c)}">${topValueText(c)}</td>
${withDrift ? html`<td>${driftBadge(c.drift)}</td>` : html``}
</tr>`
  })
  return html`<div class="table-wrap"><table class="summary">
<thead><tr><th>Column</th><th>Type</th><th class="num">Count</th><th class="num">Null</th><th class="num">Distinct</th><th class="num">Mean</th><th class="num">Median</th><th class="num">Min</th><th class="num">Max</th><th>Most frequent</th>${withDrift ? html`<th>Drift</th>` : html``}</tr></thead>
<tbody>${rows}</tbody></table></div>`
}

const stat = (label: string, value: string): SafeHtml =>
  html`<div><dt>${label}</dt><dd title="${value}">${value}</dd></div>`

const driftLine = (drift: ColumnDrift | undefined, baselineLabel: string | undefined): SafeHtml => {
  if (drift === undefined || baselineLabel === undefined) return html``
  if (drift.verdict === undefined)
    return html`<div class="drift-line">Against ${baselineLabel}: ${drift.reason ?? "not compared"}.</div>`
  const parts: string[] = []
  if (drift.hellinger !== undefined) parts.push(`Hellinger distance ${drift.hellinger.distance.toFixed(3)}`)
  if (drift.ks !== undefined) {
    const p = drift.ks.pValue < 1e-4 ? drift.ks.pValue.toExponential(1) : drift.ks.pValue.toFixed(4)
    parts.push(`KS statistic ${drift.ks.statistic.toFixed(3)} (p = ${p})`)
  }
  return html`<div class="drift-line">Against ${baselineLabel}: ${parts.join(", ")}.</div>`
}

/** "fractional 97.6% · integral 2.4% · null 1.2%": the column's types as one line. */
const typesLine = (c: ColumnModel): SafeHtml => {
  const counts = c.facts.typeCounts
  const total = c.facts.count
  if (total === 0) return html`<div class="types-line">No values.</div>`
  const parts = [...TYPE_NAMES, "null" as const]
    .filter((t) => counts[t] > 0)
    .map((t) => html`<b>${t}</b> ${formatPercent(counts[t] / total)}`)
  return html`<div class="types-line">Types: ${parts.map((p, i) => html`${i === 0 ? "" : " · "}${p}`)}</div>`
}

const columnCard = (c: ColumnModel, model: ReportModel, charts: ChartSet): SafeHtml => {
  const f = c.facts
  const labels = ["profiles", model.baselineLabel ?? "baseline"] as const
  const distribution = distributionChart(c.digest, c.baselineDigest, labels)
  const main =
    distribution === undefined
      ? html`<div class="chart-title">Types and nulls</div>${charts.element(
          {
            kind: "bars",
            labels: [...TYPE_NAMES, "null"],
            format: "share",
            series: [
              {
                label: "share",
                color: COLORS.primary,
                values: [...TYPE_NAMES, "null" as const].map((t) =>
                  f.count === 0 ? 0 : f.typeCounts[t] / f.count,
                ),
              },
            ],
            height: 160,
          },
          `Types and nulls of ${c.name}`,
          "chart-main",
        )}`
      : html`<div class="chart-title">${distribution.spec.kind === "histogram" ? "Distribution" : "Most frequent values"}</div>${charts.element(
          distribution.spec,
          `${distribution.spec.kind === "histogram" ? "Histogram" : "Frequent values"} of ${c.name}`,
          "chart-main",
        )}${distribution.note === "" ? html`` : html`<div class="outside">${distribution.note}</div>`}`
  const bands =
    c.bands === undefined
      ? html``
      : html`<div class="chart-title">Over time</div>${charts.element(
          {
            kind: "time",
            x: c.bands.map((p) => p.time),
            format: f.type === "integral" ? "integer" : "number",
            series: [
              { label: "p95", values: c.bands.map((p) => p.q95), color: "#748ffc", width: 1 },
              { label: "p75", values: c.bands.map((p) => p.q75), color: "#5c7cfa", width: 1 },
              { label: "median", values: c.bands.map((p) => p.median), color: COLORS.primary, width: 2 },
              { label: "p25", values: c.bands.map((p) => p.q25), color: "#5c7cfa", width: 1 },
              { label: "p5", values: c.bands.map((p) => p.q05), color: "#748ffc", width: 1 },
            ],
            bands: [
              [1, 5, COLORS.band],
              [2, 4, COLORS.bandInner],
            ],
            height: 180,
          },
          `Quantiles of ${c.name} over time`,
          "chart-bands",
        )}`
  const numeric = f.mean !== undefined
  const stats = [
    stat("count", formatNumber(f.count)),
    stat("null", `${formatNumber(f.nulls)} (${formatPercent(f.nullRatio)})`),
    stat("distinct ≈", formatNumber(f.distinct === undefined ? undefined : Math.round(f.distinct))),
    ...(numeric
      ? [
          stat("mean", formatNumber(f.mean)),
          stat("std dev", formatNumber(f.stddev)),
          stat("min", formatNumber(f.min)),
          stat("25%", formatNumber(f.q25)),
          stat("median", formatNumber(f.median)),
          stat("75%", formatNumber(f.q75)),
          stat("max", formatNumber(f.max)),
        ]
      : [
          stat("top value", f.topValues?.[0]?.value ?? "—"),
          stat("top share", topValueText(c).split(" · ")[1] ?? "—"),
        ]),
  ]
  return html`<article class="column-card" id="${c.anchor}" data-column="${c.name}">
<div class="card-head"><h3 class="mono">${c.name}</h3>${typePill(f.type)}${driftBadge(c.drift)}</div>
<div class="card-sub">${formatNumber(f.count)} values · ${formatPercent(f.nullRatio)} null${f.distinct === undefined ? "" : ` · ≈${formatNumber(Math.round(f.distinct))} distinct`}</div>
${main}${bands}${typesLine(c)}
<dl class="stats">${stats}</dl>
${driftLine(c.drift, model.baselineLabel)}
</article>`
}

const kpis = (model: ReportModel): SafeHtml => {
  const items: SafeHtml[] = [
    html`<div class="kpi"><span class="label">Rows</span><span class="value">${formatNumber(model.rows)}</span></div>`,
    html`<div class="kpi"><span class="label">Profiles</span><span class="value">${formatNumber(model.profileCount)}</span></div>`,
  ]
  if (model.sections.length > 1) {
    items.push(
      html`<div class="kpi"><span class="label">Routes</span><span class="value">${model.sections.length}</span></div>`,
    )
  }
  const drifts = model.sections.map((s) => s.drift).filter((d) => d !== undefined)
  if (drifts.length > 0) {
    const sum = (k: "DRIFT" | "POSSIBLE_DRIFT" | "NO_DRIFT") => drifts.reduce((n, d) => n + d.counts[k], 0)
    items.push(
      html`<div class="kpi drift"><span class="label">Drift</span><span class="value">${sum("DRIFT")}</span></div>`,
      html`<div class="kpi possible"><span class="label">Possible drift</span><span class="value">${sum("POSSIBLE_DRIFT")}</span></div>`,
      html`<div class="kpi ok"><span class="label">No drift</span><span class="value">${sum("NO_DRIFT")}</span></div>`,
    )
  }
  return html`<div class="kpis">${items}</div>`
}

const timeRange = (times: ReadonlyArray<number>): string => {
  const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z")
  if (times.length === 0) return ""
  if (times.length === 1) return `dataset time ${iso(times[0]!)}`
  return `${times.length} dataset times, ${iso(times[0]!)} – ${iso(times[times.length - 1]!)}`
}

const sectionHtml = (section: ReportSection, model: ReportModel, charts: ChartSet): SafeHtml => {
  const main = section.columns.filter((c) => c.group !== "http")
  const housekeeping = section.columns.filter((c) => c.group === "http")
  const withDrift = section.drift !== undefined
  const thresholds = section.drift?.thresholds
  const cards = (list: ReadonlyArray<ColumnModel>) =>
    html`<div class="cards">${list.map((c) => columnCard(c, model, charts))}</div>`
  return html`<section class="route" id="${section.anchor}" data-route="${section.key}">
${model.sections.length > 1 ? html`<h2>${section.label}<span class="count">${formatNumber(section.rows)} rows · ${section.profileCount} profiles</span></h2>` : html``}
<h2>Columns<span class="count">${section.columns.length}</span></h2>
${
  thresholds === undefined
    ? html``
    : html`<p class="note">Drift as whylogs' drift report computes it: Hellinger distance on histograms or frequent values (drift ≥ ${thresholds.hellinger.drift}, possible ≥ ${thresholds.hellinger.possible}) and the Kolmogorov–Smirnov test on numbers (drift p &lt; ${thresholds.ks.drift}, possible p &lt; ${thresholds.ks.possible}).${
        section.missingColumns.length === 0
          ? ""
          : ` Only in ${model.baselineLabel}: ${section.missingColumns.join(", ")}.`
      }</p>`
}
${summaryTable(main.length > 0 ? main : housekeeping, withDrift)}
${main.length > 0 ? cards(main) : cards(housekeeping)}
${
  main.length > 0 && housekeeping.length > 0
    ? html`<details class="fold"><summary>HTTP housekeeping: ${housekeeping.length} columns (route, status, sizes, headers)</summary>${summaryTable(housekeeping, withDrift)}${cards(housekeeping)}</details>`
    : html``
}
</section>`
}

/** The report page for an already built model. */
export const renderReportModel = (model: ReportModel): string => {
  const sources =
    model.sources.length === 0
      ? ""
      : model.sources.length <= 3
        ? `from ${model.sources.join(", ")}`
        : `from ${model.sources.slice(0, 3).join(", ")} and ${model.sources.length - 3} more`
  const charts = new ChartSet()
  const sections = model.sections.map((s) => sectionHtml(s, model, charts))
  const scripts = inlineScripts()
  const uplotCss = assetText("uPlot.min.css")
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${trusted(contentSecurityPolicy([scripts.uplot, scripts.charts]))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sketchlog ${SKETCHLOG_VERSION}">
<title>${model.title}</title>
<style>${trusted(uplotCss)}</style>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
<header class="page"><div class="page-inner">
<div class="eyebrow">sketchlog profile report</div>
<h1>${model.title}</h1>
<div class="meta"><span>${timeRange(model.times)}</span>${sources === "" ? html`` : html`<span>${sources}</span>`}${
    model.baselineLabel === undefined ? html`` : html`<span>compared with ${model.baselineLabel}</span>`
  }<span>generated ${model.generatedAt.toISOString().replace(/\.\d{3}Z$/, "Z")}</span></div>
${kpis(model)}
${
  model.sections.length > 1
    ? html`<nav class="routes" aria-label="Routes">${model.sections.map((s) => html`<a href="#${s.anchor}">${s.label}<span>${formatNumber(s.rows)}</span></a>`)}</nav>`
    : html``
}
</div></header>
<main class="page-inner">
${sections}
</main>
<footer class="page-inner">Made by sketchlog ${SKETCHLOG_VERSION} from whylogs-compatible profiles: statistical sketches only, no raw rows. Histograms and quantiles are estimates from KLL sketches; distinct counts from HLL; frequent values from frequent-items sketches. Charts drawn by uPlot.</footer>
${charts.script()}
<script>${trusted(scripts.uplot)}</script>
<script type="module">${trusted(scripts.charts)}</script>
</body>
</html>
`
  return page.value
}

/**
 * One self-contained HTML page about the profiles: a section per segment (route) — request and
 * response body fields first, HTTP housekeeping folded — each with a summary table and a card per
 * column (histogram or frequent values against the baseline, quantile bands over time, types,
 * figures, drift from whylogs' tests). Charts by uPlot and the same chart components as
 * `sketchlog serve`, inlined; works offline; every text from a profile is escaped.
 */
export const renderReport = (views: ReadonlyArray<DatasetProfileView>, options: ReportOptions = {}): string =>
  renderReportModel(buildReportModel(views, options))
