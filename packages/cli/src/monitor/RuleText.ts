import type { TimeRange } from "../catalog/TimeWindow.js"
import { formatNumber, formatPercent } from "../format/numbers.js"
import type { MonitorRule } from "./MonitorRule.js"
import type { RuleOutcome } from "./RuleEvaluation.js"

const SHARES = new Set(["null_share", "type_share", "drop"])

/** A rule's value as people read it: shares as percentages, drift with 3 decimals, counts whole. */
export const formatRuleValue = (rule: MonitorRule, value: number | undefined): string => {
  if (value === undefined || Number.isNaN(value)) return "—"
  if (SHARES.has(rule.metric)) return formatPercent(value)
  if (rule.metric === "drift") return value.toFixed(3)
  return formatNumber(value)
}

/** The thresholds: `> 0.3`, `< 100`, `< 10 or > 90`. */
export const thresholdText = (rule: MonitorRule): string =>
  [
    rule.below === undefined ? undefined : `< ${formatRuleValue(rule, rule.below)}`,
    rule.above === undefined ? undefined : `> ${formatRuleValue(rule, rule.above)}`,
  ]
    .filter((t) => t !== undefined)
    .join(" or ")

/** What a rule measures: `drift of request.body.income`, `rows`, `q 0.95 of latency`. */
export const measuredText = (rule: MonitorRule, column: string | undefined): string => {
  const of = column === undefined ? "rows" : column
  switch (rule.metric) {
    case "count":
      return column === undefined ? "rows" : `count of ${of}`
    case "drop":
      return `drop of ${column === undefined ? "rows" : `count of ${of}`}`
    case "quantile":
      return `q ${rule.q} of ${of}`
    case "type_share":
      return `${rule.type} share of ${of}`
    default:
      return `${rule.metric.replace("_", " ")} of ${of}`
  }
}

/** A window as `2026-12-07 15:00–16:00 UTC` (hours) or `2026-12-07` (a day). */
export const windowText = ({ from, to }: TimeRange): string => {
  const a = new Date(from).toISOString()
  if (to - from === 86_400_000 && a.slice(11, 19) === "00:00:00") return a.slice(0, 10)
  const b = new Date(to).toISOString()
  return `${a.slice(0, 10)} ${a.slice(11, 16)}–${b.slice(0, 10) === a.slice(0, 10) ? "" : `${b.slice(0, 10)} `}${b.slice(11, 16)} UTC`
}

/** One line about a firing outcome, for logs, the webhook and the page. */
export const firingLine = (outcome: RuleOutcome): string =>
  `${outcome.rule.name}: ${measuredText(outcome.rule, outcome.column)} in ${outcome.rule.dataset} is ${formatRuleValue(outcome.rule, outcome.value)} (${thresholdText(outcome.rule)}) in ${windowText(outcome.window)}${outcome.detail === "" ? "" : `; ${outcome.detail}`}`
