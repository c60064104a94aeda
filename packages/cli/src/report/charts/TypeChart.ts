import { formatNumber, formatPercent } from "../../format/numbers.js"
import { html, svgNumber as n, type SafeHtml } from "../html.js"
import { svgChart } from "./Frame.js"

/** The kinds a column's values were counted as, and nulls, in the order they are drawn. */
export const TYPE_KINDS = ["integral", "fractional", "boolean", "string", "object", "tensor", "null"] as const

/** One of `TYPE_KINDS`. */
export type TypeKind = (typeof TYPE_KINDS)[number]

/**
 * A stacked bar of the column's values by type, nulls last, with a legend of the kinds present. As
 * the main chart of a column that has neither numbers nor frequent values, as an aux bar otherwise.
 */
export const typeChart = (
  counts: Readonly<Record<TypeKind, number>>,
  columnLabel: string,
  role: "main" | "aux",
): SafeHtml => {
  const total = TYPE_KINDS.reduce((s, k) => s + counts[k], 0)
  const width = 560
  const height = role === "main" ? 40 : 18
  let x = 0
  const segments = TYPE_KINDS.filter((k) => counts[k] > 0).map((kind) => {
    const w = (counts[kind] / total) * width
    const rect = html`<rect class="type-${kind}" x="${n(x)}" y="0" width="${n(w)}" height="${height}"><title>${`${kind}: ${formatNumber(counts[kind])} (${formatPercent(counts[kind] / total)})`}</title></rect>`
    x += w
    return rect
  })
  const bar = svgChart(
    { width, height, left: 0, right: 0, top: 0, bottom: 0 },
    "types",
    role,
    `Types and nulls of ${columnLabel}`,
    total === 0
      ? [html`<rect class="type-empty" x="0" y="0" width="${width}" height="${height}"></rect>`]
      : segments,
  )
  const legend = TYPE_KINDS.filter((k) => counts[k] > 0).map(
    (kind) =>
      html`<span class="legend-item"><i class="swatch type-${kind}"></i>${kind} ${formatPercent(counts[kind] / total)}</span>`,
  )
  return html`<div class="type-bar">${bar}<div class="legend">${total === 0 ? "no values" : legend}</div></div>`
}
