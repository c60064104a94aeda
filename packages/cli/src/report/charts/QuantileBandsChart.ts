import { formatNumber } from "../../format/numbers.js"
import { html, svgNumber as n, type SafeHtml } from "../html.js"
import { shortTime } from "./axis.js"
import { type Frame, plotSize, svgChart, xAxis, yAxis } from "./Frame.js"

/** One time bucket's quantiles of a column (5th, 25th, 50th, 75th, 95th percentiles). */
export interface QuantilePoint {
  readonly time: number
  readonly q05: number
  readonly q25: number
  readonly median: number
  readonly q75: number
  readonly q95: number
}

const frame: Frame = { width: 560, height: 170, left: 52, right: 14, top: 12, bottom: 30 }

/** Bands over time: 5–95th percentile (light), 25–75th (darker) and the median line, one point per bucket. */
export const quantileBandsChart = (points: ReadonlyArray<QuantilePoint>, columnLabel: string): SafeHtml => {
  const { w } = plotSize(frame)
  const t0 = points[0]?.time ?? 0
  const t1 = points[points.length - 1]?.time ?? 1
  const lo = Math.min(...points.map((p) => p.q05))
  const hi = Math.max(...points.map((p) => p.q95))
  const y = yAxis(frame, lo, hi)
  const x = (t: number) => frame.left + ((t - t0) / (t1 - t0 || 1)) * w
  const band = (upper: (p: QuantilePoint) => number, lower: (p: QuantilePoint) => number) =>
    `M${points.map((p) => `${n(x(p.time))},${n(y.scale(upper(p)))}`).join(" L")} L${[...points]
      .reverse()
      .map((p) => `${n(x(p.time))},${n(y.scale(lower(p)))}`)
      .join(" L")} Z`
  const median = `M${points.map((p) => `${n(x(p.time))},${n(y.scale(p.median))}`).join(" L")}`
  const dateOnly = points.every((p) => p.time % 86_400_000 === 0)
  const ticks =
    points.length <= 6
      ? points.map((p) => p.time)
      : [0, 0.25, 0.5, 0.75, 1].map((r) => points[Math.round(r * (points.length - 1))]!.time)
  return svgChart(frame, "quantiles", "aux", `Quantiles of ${columnLabel} over time`, [
    y.markup,
    html`<path class="band-outer" d="${band(
      (p) => p.q95,
      (p) => p.q05,
    )}"></path>`,
    html`<path class="band-inner" d="${band(
      (p) => p.q75,
      (p) => p.q25,
    )}"></path>`,
    html`<path class="median-line" d="${median}"></path>`,
    html`${points.map(
      (p) =>
        html`<circle class="median-point" cx="${n(x(p.time))}" cy="${n(y.scale(p.median))}" r="2.5"><title>${`${new Date(p.time).toISOString()}: median ${formatNumber(p.median)}, 25–75% ${formatNumber(p.q25)} – ${formatNumber(p.q75)}, 5–95% ${formatNumber(p.q05)} – ${formatNumber(p.q95)}`}</title></circle>`,
    )}`,
    xAxis(frame, t0, t1, x, ticks, (t) => shortTime(t, dateOnly)),
  ])
}
