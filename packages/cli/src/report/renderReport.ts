import { type ColumnDrift, type DatasetProfileView, SKETCHLOG_VERSION } from "@sketchlog/core"
import { formatNumber, formatPercent } from "../format/numbers.js"
import { frequentChart } from "./charts/FrequentChart.js"
import { histogramChart } from "./charts/HistogramChart.js"
import { quantileBandsChart } from "./charts/QuantileBandsChart.js"
import { typeChart } from "./charts/TypeChart.js"
import { html, type SafeHtml, trusted } from "./html.js"
import { buildReportModel, type ColumnModel, type ReportModel, type ReportOptions } from "./ReportModel.js"
import { REPORT_CSS } from "./styles.js"

/**
 * No script may run and nothing may be fetched: the page is static HTML, inline CSS and inline SVG,
 * so even a value that slipped past escaping could not execute or call out.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

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
  if (top === undefined) return ""
  return `${top.value === "" ? "(empty string)" : top.value} · ${formatPercent(column.frequent?.[0]?.share)}`
}

const summaryTable = (model: ReportModel): SafeHtml => {
  const withDrift = model.drift !== undefined
  const rows = model.columns.map((c) => {
    const f = c.facts
    const nullShare = Number.isNaN(f.nullRatio) ? 0 : f.nullRatio
    return html`<tr>
<td class="name-cell mono" title="${c.name}"><a href="#${c.anchor}">${c.name}</a></td>
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

const columnCard = (c: ColumnModel, model: ReportModel): SafeHtml => {
  const f = c.facts
  const withBaseline = model.baselineLabel !== undefined
  const keyTarget = html`<span class="key"><i class="k-target"></i>profiles${withBaseline ? html`<i class="k-base"></i>${model.baselineLabel}` : html``}</span>`
  let main: SafeHtml
  let aux: SafeHtml = typeChart(f.typeCounts, c.name, "aux")
  let outside: SafeHtml = html``
  if (c.main === "histogram" && c.histogram !== undefined) {
    main = html`<div class="chart-title">Distribution${keyTarget}</div>${histogramChart(c.histogram, c.name)}`
  } else if (c.main === "frequent" && c.frequent !== undefined) {
    main = html`<div class="chart-title">Most frequent values${keyTarget}</div>${frequentChart(c.frequent, c.name, withBaseline)}`
  } else {
    main = html`<div class="chart-title">Types and nulls</div>${typeChart(f.typeCounts, c.name, "main")}`
    aux = html``
    if (f.type === "string" && f.distinct !== undefined) {
      outside = html`<div class="outside">No value stands out among ≈${formatNumber(Math.round(f.distinct))} distinct values.</div>`
    }
  }
  const infinite = c.main === "histogram" ? c.histogram?.infinite : undefined
  if (infinite !== undefined && infinite.negative + infinite.positive > 0) {
    const parts = [
      infinite.negative > 0 ? `${formatNumber(Math.round(infinite.negative))} at −∞` : "",
      infinite.positive > 0 ? `${formatNumber(Math.round(infinite.positive))} at +∞` : "",
    ].filter((p) => p !== "")
    outside = html`<div class="outside">Not drawn: ${parts.join(", ")}.</div>`
  }
  const bands =
    c.bands === undefined
      ? html``
      : html`<div class="chart-title">Over time<span class="key"><i class="k-outer"></i>5–95%<i class="k-inner"></i>25–75%</span></div>${quantileBandsChart(c.bands, c.name)}`
  const typeSection = aux.value === "" ? html`` : html`<div class="chart-title">Types and nulls</div>${aux}`
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
          stat("top share", formatPercent(c.frequent?.[0]?.share)),
        ]),
  ]
  return html`<article class="column-card" id="${c.anchor}" data-column="${c.name}">
<div class="card-head"><h3 class="mono">${c.name}</h3>${typePill(f.type)}${driftBadge(c.drift)}</div>
<div class="card-sub">${formatNumber(f.count)} values · ${formatPercent(f.nullRatio)} null${f.distinct === undefined ? "" : ` · ≈${formatNumber(Math.round(f.distinct))} distinct`}</div>
${main}${outside}${bands}${typeSection}
<dl class="stats">${stats}</dl>
${driftLine(c.drift, model.baselineLabel)}
</article>`
}

const kpis = (model: ReportModel): SafeHtml => {
  const items: SafeHtml[] = [
    html`<div class="kpi"><span class="label">Rows</span><span class="value">${formatNumber(model.rows)}</span></div>`,
    html`<div class="kpi"><span class="label">Columns</span><span class="value">${formatNumber(model.columns.length)}</span></div>`,
    html`<div class="kpi"><span class="label">Profiles</span><span class="value">${formatNumber(model.profileCount)}</span></div>`,
  ]
  if (model.drift !== undefined) {
    const c = model.drift.counts
    items.push(
      html`<div class="kpi drift"><span class="label">Drift</span><span class="value">${c.DRIFT}</span></div>`,
      html`<div class="kpi possible"><span class="label">Possible drift</span><span class="value">${c.POSSIBLE_DRIFT}</span></div>`,
      html`<div class="kpi ok"><span class="label">No drift</span><span class="value">${c.NO_DRIFT}</span></div>`,
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

/** The report page for an already built model. */
export const renderReportModel = (model: ReportModel): string => {
  const sources =
    model.sources.length === 0
      ? ""
      : model.sources.length <= 3
        ? `from ${model.sources.join(", ")}`
        : `from ${model.sources.slice(0, 3).join(", ")} and ${model.sources.length - 3} more`
  const thresholds = model.drift?.thresholds
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${trusted(CONTENT_SECURITY_POLICY)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sketchlog ${SKETCHLOG_VERSION}">
<title>${model.title}</title>
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
</div></header>
<main class="page-inner">
<section id="summary">
<h2>Columns<span class="count">${model.columns.length}</span></h2>
${
  thresholds === undefined
    ? html``
    : html`<p class="note">Drift as whylogs' drift report computes it: Hellinger distance on histograms or frequent values (drift ≥ ${thresholds.hellinger.drift}, possible ≥ ${thresholds.hellinger.possible}) and the Kolmogorov–Smirnov test on numbers (drift p &lt; ${thresholds.ks.drift}, possible p &lt; ${thresholds.ks.possible}).${
        model.missingColumns.length === 0
          ? ""
          : ` Only in ${model.baselineLabel}: ${model.missingColumns.join(", ")}.`
      }</p>`
}
${summaryTable(model)}
</section>
<section id="columns">
<h2>Column details</h2>
<div class="cards">${model.columns.map((c) => columnCard(c, model))}</div>
</section>
</main>
<footer class="page-inner">Made by sketchlog ${SKETCHLOG_VERSION} from whylogs-compatible profiles: statistical sketches only, no raw rows. Histograms and quantiles are estimates from KLL sketches; distinct counts from HLL; frequent values from frequent-items sketches.</footer>
</body>
</html>
`
  return page.value
}

/**
 * One self-contained HTML page about the profiles (merged, and per dataset time when there are
 * several): a summary table, a card per column with its histogram or frequent values, quantile
 * bands over time, type and null shares and, given a `baseline`, drift badges from whylogs' tests.
 * Static HTML, inline CSS and SVG only; every text from a profile is escaped.
 */
export const renderReport = (views: ReadonlyArray<DatasetProfileView>, options: ReportOptions = {}): string =>
  renderReportModel(buildReportModel(views, options))
