import { html, type SafeHtml, trusted } from "../report/html.js"
import type { ChartSpec } from "./ChartSpec.js"

/**
 * The charts of one page: each `element()` places a chart and remembers its spec; `script()` writes
 * every spec as one JSON block for `ui/charts.js` to draw. JSON in a `<script>` element is data, never
 * run; `<`, `>` and `&` are escaped so no value can close the element.
 */
export class ChartSet {
  readonly #specs: Record<string, ChartSpec> = {}
  #next = 0

  /** A placeholder element for the chart, with an accessible label. */
  element(spec: ChartSpec, label: string, className = ""): SafeHtml {
    const id = `c${this.#next++}`
    this.#specs[id] = spec
    return html`<div class="chart chart-${spec.kind}${className === "" ? "" : ` ${className}`}" data-chart="${id}" role="img" aria-label="${label}"></div>`
  }

  /** How many charts the page has. */
  get size(): number {
    return this.#next
  }

  /** The JSON block of every spec. */
  script(): SafeHtml {
    const json = JSON.stringify(this.#specs, (_key, value: unknown) =>
      typeof value === "number" && !Number.isFinite(value) ? null : value,
    ).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    return html`<script type="application/json" id="chart-specs">${trusted(json)}</script>`
  }
}
