import { readFile } from "node:fs/promises"
import { TYPE_NAMES, type TypeName } from "../catalog/ColumnDigest.js"
import {
  DEFAULT_TRAILING,
  MONITOR_METRICS,
  type MonitorMetric,
  type MonitorReference,
  type MonitorRule,
  type MonitorWindow,
} from "./MonitorRule.js"
import { MonitorsFileError } from "./MonitorsFileError.js"

const RULE_FIELDS = new Set([
  "name",
  "dataset",
  "column",
  "metric",
  "above",
  "below",
  "window",
  "segment",
  "reference",
  "q",
  "type",
])

const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A time of a fixed reference: an ISO 8601 date or date-time (UTC unless it says otherwise). */
const parseTime = (value: unknown): number | undefined => {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined
  const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
  return Number.isNaN(time) ? undefined : time
}

/**
 * Checks the parsed JSON of a monitors file, `{ "monitors": [rule, …] }`, and fills in defaults.
 * Throws `MonitorsFileError` naming the first bad rule and field.
 */
export const parseMonitors = (json: unknown, file: string): ReadonlyArray<MonitorRule> => {
  if (!isRecord(json) || !Array.isArray(json.monitors)) {
    throw new MonitorsFileError({ file, reason: 'must be an object { "monitors": [rule, …] }' })
  }
  const extra = Object.keys(json).filter((k) => k !== "monitors")
  if (extra.length > 0) {
    throw new MonitorsFileError({ file, field: extra[0], reason: 'is not known (only "monitors")' })
  }
  const names = new Set<string>()
  return json.monitors.map((raw: unknown, index: number): MonitorRule => {
    const ruleName = isRecord(raw) && typeof raw.name === "string" ? raw.name : undefined
    const fail = (field: string | undefined, reason: string): never => {
      throw new MonitorsFileError({ file, rule: index + 1, ruleName, field, reason })
    }
    if (!isRecord(raw)) return fail(undefined, `must be an object, got ${shown(raw)}`)
    for (const key of Object.keys(raw)) {
      if (!RULE_FIELDS.has(key)) fail(key, `is not a rule field (fields: ${[...RULE_FIELDS].join(", ")})`)
    }
    const text = (field: string, required: boolean): string | undefined => {
      const value = raw[field]
      if (value === undefined) return required ? fail(field, "is required") : undefined
      if (typeof value !== "string" || value.trim() === "")
        fail(field, `must be a non-empty string, got ${shown(value)}`)
      return value as string
    }
    const number = (field: string): number | undefined => {
      const value = raw[field]
      if (value === undefined) return undefined
      if (typeof value !== "number" || !Number.isFinite(value))
        fail(field, `must be a number, got ${shown(value)}`)
      return value as number
    }
    const name = text("name", true) as string
    if (names.has(name)) fail("name", `${shown(name)} is used by an earlier rule; names must be unique`)
    names.add(name)
    const dataset = text("dataset", true) as string
    const metricText = text("metric", true) as string
    if (!(metricText in MONITOR_METRICS)) {
      fail("metric", `must be one of ${Object.keys(MONITOR_METRICS).join(", ")}, got ${shown(metricText)}`)
    }
    const metric = metricText as MonitorMetric
    const column = text("column", metric !== "count" && metric !== "drop")
    const windowText = raw.window ?? "1h"
    if (windowText !== "1h" && windowText !== "1d")
      fail("window", `must be "1h" or "1d", got ${shown(windowText)}`)
    const window = windowText as MonitorWindow
    const segment =
      raw.segment === undefined
        ? undefined
        : typeof raw.segment === "string"
          ? raw.segment
          : fail("segment", `must be a segment id string ("" = unsegmented), got ${shown(raw.segment)}`)
    let above = number("above")
    const below = number("below")
    if (metric === "new_value" && above === undefined && below === undefined) above = 0
    if (above === undefined && below === undefined)
      fail("above", 'a threshold is required: "above", "below" or both')
    if (above !== undefined && below !== undefined && below > above) {
      fail("below", `must not exceed "above" (${above}): the rule could never be quiet`)
    }
    const q = number("q")
    if (metric === "quantile") {
      if (q === undefined) fail("q", 'is required by metric "quantile" (a rank from 0 to 1, e.g. 0.95)')
      else if (q < 0 || q > 1) fail("q", `must be a rank from 0 to 1, got ${q}`)
    } else if (q !== undefined) fail("q", 'only applies to metric "quantile"')
    const typeText = raw.type
    let type: TypeName | undefined
    if (metric === "type_share") {
      if (typeof typeText !== "string" || !(TYPE_NAMES as ReadonlyArray<string>).includes(typeText)) {
        fail(
          "type",
          `must be one of ${TYPE_NAMES.join(", ")} for metric "type_share", got ${shown(typeText)}`,
        )
      }
      type = typeText as TypeName
    } else if (typeText !== undefined) fail("type", 'only applies to metric "type_share"')
    if (
      (metric === "null_share" || metric === "type_share" || metric === "drift" || metric === "drop") &&
      (above ?? 0) > 1
    ) {
      fail("above", `is a share from 0 to 1 for metric "${metric}", got ${above}`)
    }
    const reference = parseReference(raw.reference, window, (reason) => fail("reference", reason))
    if (raw.reference !== undefined && metric !== "drift" && metric !== "new_value") {
      fail("reference", 'only applies to metrics "drift" and "new_value"')
    }
    return { index, name, dataset, column, metric, above, below, window, segment, reference, q, type }
  })
}

const parseReference = (
  raw: unknown,
  window: MonitorWindow,
  fail: (reason: string) => never,
): MonitorReference => {
  if (raw === undefined) return { kind: "trailing", windows: DEFAULT_TRAILING[window] }
  if (!isRecord(raw))
    return fail(`must be { "trailing": n } or { "from": date, "to": date }, got ${shown(raw)}`)
  if ("trailing" in raw) {
    const windows = raw.trailing
    if (Object.keys(raw).length > 1) fail('takes "trailing" alone, or "from" and "to"')
    if (typeof windows !== "number" || !Number.isInteger(windows) || windows < 1 || windows > 1000) {
      fail(`"trailing" must be a whole number of windows from 1 to 1000, got ${shown(windows)}`)
    }
    return { kind: "trailing", windows: windows as number }
  }
  const from = parseTime(raw.from)
  const to = parseTime(raw.to)
  if (from === undefined) fail(`"from" must be an ISO date such as "2026-01-01", got ${shown(raw.from)}`)
  if (to === undefined) fail(`"to" must be an ISO date such as "2026-01-08", got ${shown(raw.to)}`)
  if ((to as number) <= (from as number)) fail(`"to" must be after "from"`)
  const extra = Object.keys(raw).filter((k) => k !== "from" && k !== "to")
  if (extra.length > 0) fail(`has an unknown field ${shown(extra[0])}`)
  return { kind: "fixed", from: from as number, to: to as number }
}

/** Reads and checks a monitors file; every problem is a `MonitorsFileError` (exit 2). */
export const readMonitorsFile = async (path: string, shownAs = path): Promise<ReadonlyArray<MonitorRule>> => {
  let text: string
  try {
    text = await readFile(path, "utf8")
  } catch (error) {
    const code = (error as { code?: unknown })?.code
    throw new MonitorsFileError({
      file: shownAs,
      reason: code === "ENOENT" ? "no such file" : `cannot be read (${String(code ?? "error")})`,
    })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new MonitorsFileError({
      file: shownAs,
      reason: `is not JSON: ${error instanceof Error ? error.message : "parse error"}`,
    })
  }
  return parseMonitors(json, shownAs)
}
