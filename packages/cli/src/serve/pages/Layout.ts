import { SKETCHLOG_VERSION } from "@sketchlog/core/platform"
import type { StoreProblem } from "../../catalog/StoreProblem.js"
import type { ChartSet } from "../../charts/ChartSet.js"
import { html, type SafeHtml } from "../../report/html.js"

/** What every page has around its content. */
export interface LayoutInput {
  readonly title: string
  readonly storeUrl: string
  readonly current: "datasets" | "monitors" | "none"
  readonly body: SafeHtml
  readonly charts?: ChartSet | undefined
}

/** The page around `body`: top bar, stylesheets, the chart specs and the page script. */
export const layout = (input: LayoutInput): string =>
  html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sketchlog ${SKETCHLOG_VERSION}">
<title>${input.title} · sketchlog</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/uPlot.min.css">
<link rel="stylesheet" href="/assets/sketchlog.css">
<script src="/assets/uPlot.iife.min.js"></script>
<script type="module" src="/assets/pages.js"></script>
</head>
<body>
<header class="top"><div class="inner">
<a class="brand" href="/"><i></i>sketchlog</a>
<nav><a href="/" class="${input.current === "datasets" ? "current" : ""}">Datasets</a><a href="/monitors" class="${input.current === "monitors" ? "current" : ""}">Monitors</a></nav>
<span class="store" title="${input.storeUrl}">${input.storeUrl}</span>
</div></header>
<main class="inner">
${input.body}
</main>
<footer class="inner">sketchlog ${SKETCHLOG_VERSION} · read-only view of whylogs-compatible profiles: sketches only, no raw rows · times in UTC</footer>
${input.charts?.script() ?? html``}
</body>
</html>
`.value

/** The problems met while reading, as a box at the top of the page (nothing when there are none). */
export const problemsBox = (problems: ReadonlyArray<StoreProblem>): SafeHtml => {
  if (problems.length === 0) return html``
  const unique = [...new Map(problems.map((p) => [`${p.key ?? ""}\u0000${p.message}`, p])).values()]
  const shown = unique.slice(0, 8)
  return html`<div class="problems" role="alert"><b>${unique.length} profile${unique.length === 1 ? "" : "s"} could not be read and ${unique.length === 1 ? "is" : "are"} left out.</b>
<ul>${shown.map((p) => html`<li>${p.key === undefined ? html`` : html`<code>${p.key}</code>: `}${p.message.replace(p.key ?? "\u0000", "").replace(/^cannot read\s*:\s*/, "")}</li>`)}</ul>${
    unique.length > shown.length
      ? html`<div>… and ${unique.length - shown.length} more (see the server's log).</div>`
      : html``
  }</div>`
}

/** "3 h ago", "2 d ago", "just now". */
export const ago = (time: number, now: number = Date.now()): string => {
  const minutes = Math.round((now - time) / 60_000)
  if (minutes < 1) return "just now"
  if (minutes < 90) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours} h ago`
  return `${Math.round(hours / 24)} d ago`
}

/** A type as a coloured pill. */
export const typePill = (type: string): SafeHtml => html`<span class="pill t-${type}">${type}</span>`
