import type { StoreProblem } from "../../catalog/StoreProblem.js"
import { MONITOR_METRICS } from "../../monitor/MonitorRule.js"
import type { RuleEvaluation } from "../../monitor/RuleEvaluation.js"
import {
  firingLine,
  formatRuleValue,
  measuredText,
  thresholdText,
  windowText,
} from "../../monitor/RuleText.js"
import { html, type SafeHtml } from "../../report/html.js"
import { layout, problemsBox } from "./Layout.js"

/** A rule with its latest complete window and its recent history. */
export interface RuleView {
  readonly current: RuleEvaluation
  readonly history: ReadonlyArray<RuleEvaluation>
}

const statusBadge = (status: RuleEvaluation["status"]): SafeHtml =>
  status === "firing"
    ? html`<span class="badge bad">firing</span>`
    : status === "ok"
      ? html`<span class="badge ok">ok</span>`
      : html`<span class="badge none">no data</span>`

const cellTitle = (e: RuleEvaluation): string => {
  const firing = e.outcomes.filter((o) => o.status === "firing")
  if (firing.length > 0)
    return `${windowText(e.window)}: ${firing.map((o) => `${o.column ?? "rows"} ${formatRuleValue(e.rule, o.value)}`).join(", ")}`
  const one = e.outcomes[0]
  return `${windowText(e.window)}: ${e.status === "no-data" ? "no data" : `${formatRuleValue(e.rule, one?.value)} ok`}`
}

const ruleCard = (view: RuleView): SafeHtml => {
  const { current, history } = view
  const rule = current.rule
  const fired = history.filter((e) => e.status === "firing")
  const firing = current.outcomes.filter((o) => o.status === "firing")
  return html`<article class="panel" id="rule-${rule.index}" data-rule="${rule.name}" data-status="${current.status}">
<div class="rule-head"><div><b>${rule.name}</b> ${statusBadge(current.status)}</div><a href="/datasets/${encodeURIComponent(rule.dataset)}">${rule.dataset}</a></div>
<div class="sub mono rule-sub">${measuredText(rule, rule.column)} ${thresholdText(rule)} · window ${rule.window}${rule.segment === undefined ? "" : ` · segment ${rule.segment || "(unsegmented)"}`}${rule.metric === "drift" || rule.metric === "new_value" ? ` · reference ${rule.reference.kind === "trailing" ? `previous ${rule.reference.windows} windows` : `${new Date(rule.reference.from).toISOString().slice(0, 10)} → ${new Date(rule.reference.to).toISOString().slice(0, 10)}`}` : ""}</div>
<div class="legend-note">Latest complete window ${windowText(current.window)}: ${
    firing.length > 0
      ? html`<ul class="values">${firing.slice(0, 10).map((o) => html`<li><span>${firingLine(o)}</span></li>`)}</ul>`
      : current.status === "ok"
        ? `${formatRuleValue(rule, current.outcomes[0]?.value)} (within threshold${current.outcomes.length > 1 ? ` for all ${current.outcomes.length} columns` : ""})`
        : (current.outcomes[0]?.detail ?? "no data")
  }</div>
<div class="rule-history"><div class="legend-note">Last ${history.length} windows: fired in ${fired.length}</div><div class="history" role="img" aria-label="history of ${rule.name}">${history.map(
    (e) => html`<i class="${e.status}" title="${cellTitle(e)}"></i>`,
  )}</div></div>
</article>`
}

/** The rules of the monitors file: what each measures, whether it fires now, and when it fired. */
export const monitorsPage = (
  storeUrl: string,
  views: ReadonlyArray<RuleView> | undefined,
  problems: ReadonlyArray<StoreProblem>,
): string => {
  const firing = views?.filter((v) => v.current.status === "firing").length ?? 0
  const body =
    views === undefined
      ? html`<h1>Monitors</h1><div class="panel empty">No monitors file. Start the server with <code class="mono">--monitors monitors.json</code> holding <code class="mono">{ "monitors": [ { "name": "income drift", "dataset": "loan-scoring", "column": "request.body.income", "metric": "drift", "above": 0.3, "window": "1h" } ] }</code>. Metrics: ${Object.keys(MONITOR_METRICS).join(", ")}.</div>`
      : html`<h1>Monitors</h1>
<div class="sub">${views.length} rule${views.length === 1 ? "" : "s"} · ${firing} firing now · the same rules <code class="mono">sketchlog check</code> evaluates</div>
${problemsBox(problems)}
<div class="grid">${views.map(ruleCard)}</div>`
  return layout({ title: "Monitors", storeUrl, current: "monitors", body })
}
