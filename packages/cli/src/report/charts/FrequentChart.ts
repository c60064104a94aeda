import { formatNumber, formatPercent } from "../../format/numbers.js"
import { truncate } from "../../format/printable.js"
import { html, svgNumber as n, type SafeHtml } from "../html.js"
import { svgChart } from "./Frame.js"

/** One frequent value: its text, estimated count and share of the non-null values (and the baseline's share). */
export interface FrequentBar {
  readonly value: string
  readonly count: number
  readonly share: number
  readonly baselineShare?: number | undefined
}

const ROW = 22
const LABEL = 176

/**
 * Horizontal bars of the most frequent values with their shares; with a baseline, its share of each
 * value is a thin grey bar under the target's (0 for a value the baseline did not have).
 */
export const frequentChart = (
  bars: ReadonlyArray<FrequentBar>,
  columnLabel: string,
  withBaseline: boolean,
): SafeHtml => {
  const width = 560
  const top = 6
  const height = top + bars.length * ROW + 6
  const barMax = width - LABEL - 64
  const maxShare = Math.max(...bars.map((b) => Math.max(b.share, b.baselineShare ?? 0)), 1e-9)
  const rows = bars.map((bar, i) => {
    const y = top + i * ROW
    const length = (bar.share / maxShare) * barMax
    const baseLength = ((bar.baselineShare ?? 0) / maxShare) * barMax
    const label = truncate(bar.value === "" ? "(empty string)" : bar.value, 24)
    const tip = `${bar.value}: ${formatNumber(Math.round(bar.count))} (${formatPercent(bar.share)})${
      withBaseline ? ` · baseline ${formatPercent(bar.baselineShare ?? 0)}` : ""
    }`
    return html`<g class="row"><title>${tip}</title><text class="label" x="${n(LABEL - 8)}" y="${n(y + 14)}" text-anchor="end">${label}</text><rect class="bar" x="${n(LABEL)}" y="${n(y + 3)}" width="${n(Math.max(1, length))}" height="${withBaseline ? 10 : 14}" rx="2"></rect>${
      withBaseline
        ? html`<rect class="baseline-bar" x="${n(LABEL)}" y="${n(y + 15)}" width="${n(Math.max(baseLength > 0 ? 1 : 0, baseLength))}" height="4" rx="1"></rect>`
        : html``
    }<text class="value" x="${n(LABEL + Math.max(1, length) + 6)}" y="${n(y + 13)}">${formatPercent(bar.share)}</text></g>`
  })
  return svgChart(
    { width, height, left: LABEL, right: 0, top, bottom: 0 },
    "frequent",
    "main",
    `Frequent values of ${columnLabel}`,
    rows,
  )
}
