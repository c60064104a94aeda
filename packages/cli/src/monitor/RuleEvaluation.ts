import { resolveDriftOptions } from "@sketchlog/core/drift"
import type { ColumnDigest } from "../catalog/ColumnDigest.js"
import { digestDrift } from "../catalog/DigestDrift.js"
import type { ProfileDigest } from "../catalog/ProfileDigest.js"
import type { StoreProblem } from "../catalog/StoreProblem.js"
import { RESOLUTION_MS, type TimeRange, windowStart } from "../catalog/TimeWindow.js"
import { type MonitorRule, WINDOW_RESOLUTION } from "./MonitorRule.js"

/** Where rule evaluation gets the merged profiles of a window. */
export interface DigestSource {
  readonly digest: (
    datasetId: string,
    range: TimeRange,
    segment?: string,
  ) => Promise<{ readonly digest: ProfileDigest; readonly problems: ReadonlyArray<StoreProblem> }>
  /** When the dataset's first profile starts (windows before it have no data, not zero rows). */
  readonly firstProfile?: ((datasetId: string) => Promise<number | undefined>) | undefined
}

/** `firing`: the value crossed a threshold; `ok`: it did not; `no-data`: nothing to measure. */
export type RuleStatus = "firing" | "ok" | "no-data"

/** A rule's outcome for one column (or the dataset) in one window. */
export interface RuleOutcome {
  readonly rule: MonitorRule
  /** The column measured (each column of a `"*"` rule has its own outcome); undefined = the dataset's rows. */
  readonly column: string | undefined
  readonly window: TimeRange
  readonly value: number | undefined
  readonly status: RuleStatus
  /** What the value means here: "47 new values: …", "no profiles in the reference", … */
  readonly detail: string
}

/** A rule evaluated over one window: one outcome per column it covers, and any read problems. */
export interface RuleEvaluation {
  readonly rule: MonitorRule
  readonly window: TimeRange
  readonly status: RuleStatus
  readonly outcomes: ReadonlyArray<RuleOutcome>
  readonly problems: ReadonlyArray<StoreProblem>
}

/** The window of `rule` that ended last by `now`: the one before the window holding `now`. */
export const latestCompleteWindow = (rule: MonitorRule, now: number): TimeRange => {
  const resolution = WINDOW_RESOLUTION[rule.window]
  const to = windowStart(now, resolution)
  return { from: to - RESOLUTION_MS[resolution], to }
}

/** What `window` is compared with: the trailing windows before it, or the rule's fixed dates. */
export const referenceOf = (rule: MonitorRule, window: TimeRange): TimeRange =>
  rule.reference.kind === "fixed"
    ? { from: rule.reference.from, to: rule.reference.to }
    : { from: window.from - rule.reference.windows * (window.to - window.from), to: window.from }

const crosses = (rule: MonitorRule, value: number): boolean =>
  (rule.above !== undefined && value > rule.above) || (rule.below !== undefined && value < rule.below)

const DRIFT_OPTIONS = resolveDriftOptions()

const sample = (values: ReadonlyArray<string>): string => {
  const shown = values.slice(0, 5).map((v) => JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v))
  return `${shown.join(", ")}${values.length > 5 ? ` and ${values.length - 5} more` : ""}`
}

/**
 * Evaluates `rule` over `window`: merges the window's profiles (and, for `drop`, `drift` and
 * `new_value`, those of the previous window or the reference) and measures each column it names.
 * A window without profiles counts 0 rows (so `count below` fires when a dataset goes quiet); the
 * other metrics have no data then.
 */
export const evaluateRule = async (
  rule: MonitorRule,
  window: TimeRange,
  source: DigestSource,
): Promise<RuleEvaluation> => {
  const problems: StoreProblem[] = []
  const load = async (range: TimeRange) => {
    const result = await source.digest(rule.dataset, range, rule.segment)
    problems.push(...result.problems)
    return result.digest
  }
  const first = await source.firstProfile?.(rule.dataset)
  if (first === undefined ? source.firstProfile !== undefined : window.to <= first) {
    const detail =
      first === undefined ? "the store has no profiles of this dataset" : "before the dataset's first profile"
    const outcome = {
      rule,
      column: rule.column === "*" ? undefined : rule.column,
      window,
      value: undefined,
      status: "no-data" as const,
      detail,
    }
    return { rule, window, status: "no-data", outcomes: [outcome], problems }
  }
  const target = await load(window)
  const needsPrevious = rule.metric === "drop"
  const needsReference = rule.metric === "drift" || rule.metric === "new_value"
  const span = window.to - window.from
  const previous = needsPrevious ? await load({ from: window.from - span, to: window.from }) : undefined
  const reference = needsReference ? await load(referenceOf(rule, window)) : undefined
  const columns =
    rule.column === "*"
      ? [...new Set([...target.columns.keys(), ...(reference?.columns.keys() ?? [])])].sort()
      : [rule.column]
  const outcomes = columns.map((column) => {
    const measured = measure(rule, column, target, previous, reference)
    const status: RuleStatus =
      measured.value === undefined || Number.isNaN(measured.value)
        ? "no-data"
        : crosses(rule, measured.value)
          ? "firing"
          : "ok"
    return { rule, column, window, value: measured.value, status, detail: measured.detail }
  })
  const status: RuleStatus = outcomes.some((o) => o.status === "firing")
    ? "firing"
    : outcomes.some((o) => o.status === "ok")
      ? "ok"
      : "no-data"
  return { rule, window, status, outcomes, problems }
}

const countOf = (digest: ProfileDigest, column: string | undefined): number =>
  column === undefined ? digest.rows : (digest.columns.get(column)?.n ?? 0)

const measure = (
  rule: MonitorRule,
  column: string | undefined,
  target: ProfileDigest,
  previous: ProfileDigest | undefined,
  reference: ProfileDigest | undefined,
): { readonly value: number | undefined; readonly detail: string } => {
  const digest: ColumnDigest | undefined = column === undefined ? undefined : target.columns.get(column)
  const missing = {
    value: undefined,
    detail: target.profiles === 0 ? "no profiles in the window" : "the column is not in the window",
  }
  switch (rule.metric) {
    case "count":
      return {
        value: countOf(target, column),
        detail: target.profiles === 0 ? "no profiles in the window" : "",
      }
    case "drop": {
      const before = countOf(previous ?? target, column)
      if (previous === undefined || before === 0)
        return { value: undefined, detail: "nothing in the previous window" }
      const now = countOf(target, column)
      return {
        value: Math.max(0, 1 - now / before),
        detail: `${now} against ${before} in the previous window`,
      }
    }
    case "null_share":
      return digest === undefined
        ? missing
        : { value: digest.nullShare, detail: `${digest.nulls} of ${digest.n}` }
    case "cardinality":
      return digest === undefined ? missing : { value: digest.cardinality, detail: "" }
    case "type_share":
      return digest === undefined || rule.type === undefined
        ? missing
        : { value: digest.typeShare(rule.type), detail: `${digest.types[rule.type]} ${rule.type} values` }
    case "quantile": {
      if (digest === undefined || rule.q === undefined) return missing
      const value = digest.quantiles([rule.q])?.[0]
      return { value, detail: value === undefined ? "no numbers in the window" : `q = ${rule.q}` }
    }
    case "drift": {
      if (digest === undefined) return missing
      const base = column === undefined ? undefined : reference?.columns.get(column)
      if (base === undefined)
        return {
          value: undefined,
          detail:
            reference?.profiles === 0 ? "no profiles in the reference" : "the column is not in the reference",
        }
      const drift = digestDrift(column as string, base, digest, DRIFT_OPTIONS)
      return {
        value: drift.hellinger?.distance,
        detail: drift.verdict === undefined ? (drift.reason ?? "") : `${drift.kind}, ${drift.verdict}`,
      }
    }
    case "new_value": {
      if (digest === undefined) return missing
      const base = column === undefined ? undefined : reference?.columns.get(column)
      if (base === undefined) {
        return {
          value: undefined,
          detail:
            reference?.profiles === 0 ? "no profiles in the reference" : "the column is not in the reference",
        }
      }
      const known = new Set(
        base.topValues(Number.POSITIVE_INFINITY, "NO_FALSE_NEGATIVES").map((v) => v.value),
      )
      const fresh = digest
        .topValues()
        .map((v) => v.value)
        .filter((v) => !known.has(v))
      return { value: fresh.length, detail: fresh.length === 0 ? "" : `new: ${sample(fresh)}` }
    }
  }
}
