import { html, svgNumber as n, type SafeHtml } from "../html.js"
import { niceTicks, shortNumber } from "./axis.js"

/** The drawing area of a chart inside its SVG viewBox. */
export interface Frame {
  readonly width: number
  readonly height: number
  readonly left: number
  readonly right: number
  readonly top: number
  readonly bottom: number
}

/** The usual frame: a 560×210 viewBox with room for y labels on the left and x labels below. */
export const standardFrame: Frame = { width: 560, height: 210, left: 52, right: 14, top: 12, bottom: 30 }

/** Inner width and height of a frame. */
export const plotSize = (f: Frame) => ({ w: f.width - f.left - f.right, h: f.height - f.top - f.bottom })

/** Horizontal grid lines and labels for a y axis from `min` to `max`; gives the scale too. */
export const yAxis = (
  f: Frame,
  min: number,
  max: number,
  label: (v: number) => string = shortNumber,
): { scale: (v: number) => number; markup: SafeHtml } => {
  const { h, w } = plotSize(f)
  const top = max === min ? min + 1 : max
  const scale = (v: number) => f.top + h - ((v - min) / (top - min)) * h
  const ticks = niceTicks(min, top, 4)
  const markup = html`<g class="axis y">${ticks.map(
    (t) =>
      html`<line class="grid" x1="${n(f.left)}" x2="${n(f.left + w)}" y1="${n(scale(t))}" y2="${n(scale(t))}"></line><text x="${n(f.left - 6)}" y="${n(scale(t) + 4)}" text-anchor="end">${label(t)}</text>`,
  )}</g>`
  return { scale, markup }
}

/** Tick labels along the bottom for an x scale over [min, max]. */
export const xAxis = (
  f: Frame,
  min: number,
  max: number,
  scale: (v: number) => number,
  ticks: ReadonlyArray<number> = niceTicks(min, max, 6),
  label: (v: number) => string = shortNumber,
): SafeHtml => {
  const { h, w } = plotSize(f)
  const y = f.top + h
  return html`<g class="axis x"><line class="baseline" x1="${n(f.left)}" x2="${n(f.left + w)}" y1="${n(y)}" y2="${n(y)}"></line>${ticks
    .filter((t) => t >= min && t <= max)
    .map((t) => {
      // Labels at the very ends of the axis grow inwards, so they stay inside the chart.
      const at = (t - min) / (max - min || 1)
      const anchor = at < 0.04 ? "start" : at > 0.96 ? "end" : "middle"
      return html`<line class="tick" x1="${n(scale(t))}" x2="${n(scale(t))}" y1="${n(y)}" y2="${n(y + 4)}"></line><text x="${n(scale(t))}" y="${n(y + 17)}" text-anchor="${anchor}">${label(t)}</text>`
    })}</g>`
}

/** The `<svg>` element of a chart: scalable, labelled for screen readers. */
export const svgChart = (
  f: Frame,
  kind: string,
  role: "main" | "aux",
  label: string,
  body: ReadonlyArray<SafeHtml>,
): SafeHtml =>
  html`<svg class="chart chart-${role}" data-chart="${kind}" viewBox="0 0 ${n(f.width)} ${n(f.height)}" role="img" aria-label="${label}" preserveAspectRatio="xMidYMid meet">${body}</svg>`
