import { formatNumber, formatPercent } from "../../format/numbers.js"
import { html, svgNumber as n, type SafeHtml } from "../html.js"
import { plotSize, standardFrame, svgChart, xAxis, yAxis } from "./Frame.js"

/** A histogram to draw: bucket edges and counts, and optionally a baseline's counts over the same edges. */
export interface HistogramData {
  readonly edges: ReadonlyArray<number>
  readonly counts: ReadonlyArray<number>
  readonly total: number
  readonly baseline?: { readonly counts: ReadonlyArray<number>; readonly total: number } | undefined
  /** Estimated values outside the edges: the sketch's ±Infinity. */
  readonly infinite?: { readonly negative: number; readonly positive: number } | undefined
}

/**
 * Bars of the target's counts; with a baseline both are drawn as shares of their own totals (so
 * profiles of different sizes compare), the baseline as a grey outline over the bars.
 */
export const histogramChart = (data: HistogramData, columnLabel: string): SafeHtml => {
  const f = standardFrame
  const { w } = plotSize(f)
  const shares = data.baseline !== undefined
  const values = shares ? data.counts.map((c) => c / Math.max(data.total, 1)) : data.counts
  const base = data.baseline?.counts.map((c) => c / Math.max(data.baseline?.total ?? 1, 1))
  const top = Math.max(...values, ...(base ?? []), 0)
  const y = yAxis(f, 0, top, shares ? (v) => formatPercent(v) : undefined)
  const lo = data.edges[0] ?? 0
  const hi = data.edges[data.edges.length - 1] ?? 1
  const x = (v: number) => f.left + ((v - lo) / (hi - lo || 1)) * w
  const bars = values.map((v, i) => {
    const x0 = x(data.edges[i] ?? lo)
    const x1 = x(data.edges[i + 1] ?? hi)
    const gap = Math.min(1, (x1 - x0) * 0.15)
    const tip = `[${formatNumber(data.edges[i])}, ${formatNumber(data.edges[i + 1])}): ${
      shares
        ? `${formatPercent(v)} (${formatNumber(Math.round(data.counts[i] ?? 0))})`
        : formatNumber(Math.round(v))
    }${base === undefined ? "" : ` · baseline ${formatPercent(base[i])}`}`
    return html`<rect class="bar" x="${n(x0 + gap / 2)}" y="${n(y.scale(v))}" width="${n(Math.max(0.5, x1 - x0 - gap))}" height="${n(Math.max(0, y.scale(0) - y.scale(v)))}"><title>${tip}</title></rect>`
  })
  let outline: SafeHtml | undefined
  if (base !== undefined) {
    let d = `M${n(x(lo))},${n(y.scale(0))}`
    base.forEach((v, i) => {
      d += ` L${n(x(data.edges[i] ?? lo))},${n(y.scale(v))} L${n(x(data.edges[i + 1] ?? hi))},${n(y.scale(v))}`
    })
    d += ` L${n(x(hi))},${n(y.scale(0))}`
    outline = html`<path class="baseline-outline" d="${d}"></path>`
  }
  return svgChart(f, "histogram", "main", `Histogram of ${columnLabel}`, [
    y.markup,
    html`<g class="bars">${bars}</g>`,
    outline ?? html``,
    xAxis(f, lo, hi, x),
  ])
}
