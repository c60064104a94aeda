import type { ColumnDrift } from "@sketchlog/core/drift"
import { html, type SafeHtml } from "../../report/html.js"

/** A column's drift score against the reference, as a coloured badge with its test details. */
export const driftBadge = (drift: ColumnDrift | undefined): SafeHtml => {
  if (drift === undefined) return html`<span class="badge none">—</span>`
  const score = drift.hellinger?.distance
  if (drift.verdict === undefined || score === undefined) {
    return html`<span class="badge none" title="${drift.reason ?? "not compared"}">n/a</span>`
  }
  const details = [
    `Hellinger ${score.toFixed(3)} (${drift.kind})`,
    drift.ks === undefined
      ? ""
      : `KS D ${drift.ks.statistic.toFixed(3)}, p ${drift.ks.pValue < 1e-4 ? drift.ks.pValue.toExponential(1) : drift.ks.pValue.toFixed(4)}`,
    drift.verdict.replace("_", " ").toLowerCase(),
  ]
    .filter((d) => d !== "")
    .join(" · ")
  const verdict = drift.hellinger?.verdict
  const kind = verdict === "DRIFT" ? "bad" : verdict === "POSSIBLE_DRIFT" ? "warn" : "ok"
  return html`<span class="badge ${kind}" title="${details}">${score.toFixed(2)}</span>`
}
