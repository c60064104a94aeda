import type { DatasetListing } from "../../catalog/StoreListing.js"
import { html, type SafeHtml } from "../../report/html.js"
import type { PageQuery } from "../PageQuery.js"

const day = (time: number) => new Date(time).toISOString().slice(0, 10)
const lastDay = (time: number) => new Date(time - 1).toISOString().slice(0, 10)

const option = (value: string, label: string, selected: boolean): SafeHtml =>
  html`<option value="${value}"${selected ? html` selected` : html``}>${label}</option>`

/** The range, resolution, segment and reference pickers of a dataset or column page (a GET form). */
export const controls = (listing: DatasetListing, query: PageQuery, extra: SafeHtml = html``): SafeHtml => {
  const segments = listing.segments
  return html`<form class="controls" method="get" data-autosubmit>
<label>Time range<select name="range" data-custom="range-dates">${[
    option("24h", "Last 24 hours", query.rangeKey === "24h"),
    option("7d", "Last 7 days", query.rangeKey === "7d"),
    option("30d", "Last 30 days", query.rangeKey === "30d"),
    option("custom", "Custom…", query.rangeKey === "custom"),
  ]}</select></label>
<span class="custom" id="range-dates"><label>From<input type="date" name="from" value="${day(query.range.from)}"></label><label>To<input type="date" name="to" value="${lastDay(query.range.to)}"></label></span>
<label>Resolution<select name="res">${[option("hour", "Hour", query.resolution === "hour"), option("day", "Day", query.resolution === "day")]}</select></label>
<label>Segment<select name="segment">${[
    option("*", "All segments (merged)", query.segment === undefined),
    ...segments.map((s) => option(s, s === "" ? "(unsegmented)" : s, query.segment === s)),
  ]}</select></label>
<label>Drift reference<select name="ref" data-custom="ref-dates">${[
    option("trailing", "The span before (trailing)", query.referenceKind === "trailing"),
    option("fixed", "Fixed dates…", query.referenceKind === "fixed"),
  ]}</select></label>
<span class="custom" id="ref-dates"><label>Reference from<input type="date" name="ref_from" value="${day(query.reference.from)}"></label><label>Reference to<input type="date" name="ref_to" value="${lastDay(query.reference.to)}"></label></span>
${extra}
<button type="submit">Apply</button>
</form>`
}
