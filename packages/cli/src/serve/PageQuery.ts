import { RESOLUTION_MS, type Resolution, type TimeRange, windowStart } from "../catalog/TimeWindow.js"

/** The time ranges a page offers. */
export const RANGES = { "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const

/** One of the preset ranges, or dates given by hand. */
export type RangeKey = keyof typeof RANGES | "custom"

/** What a dataset or column page shows, from its query string. */
export interface PageQuery {
  readonly rangeKey: RangeKey
  readonly range: TimeRange
  readonly resolution: Resolution
  /** A segment id ("" = unsegmented), or undefined for every segment merged. */
  readonly segment: string | undefined
  readonly referenceKind: "trailing" | "fixed"
  readonly reference: TimeRange
  /** The window whose distribution the column page compares with the reference (its start). */
  readonly window: number | undefined
  /** The query string's own fields, to rebuild links. */
  readonly params: URLSearchParams
}

/** A query string that cannot be used: shown as a 400 page. */
export class PageQueryError extends Error {}

const DAY = RESOLUTION_MS.day

const dateParam = (params: URLSearchParams, name: string, endOfDay: boolean): number => {
  const value = params.get(name) ?? ""
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z?)?$/.test(value)) {
    throw new PageQueryError(
      `${name} must be a date such as 2026-01-31 (UTC), got ${JSON.stringify(value.slice(0, 40))}`,
    )
  }
  const dateOnly = value.length === 10
  const time = Date.parse(dateOnly ? `${value}T00:00:00Z` : value.endsWith("Z") ? value : `${value}Z`)
  if (Number.isNaN(time)) throw new PageQueryError(`${name} is not a valid date: ${value}`)
  return dateOnly && endOfDay ? time + DAY : time
}

/**
 * Reads the page's query. Preset ranges end with the dataset's newest profile (its hour, or its day
 * at day resolution), so a store of last month's profiles shows them too; "custom" takes `from` and
 * `to` dates (`to` inclusive). The reference is the same span just before the range ("trailing") or
 * `ref_from`–`ref_to` ("fixed").
 */
export const parsePageQuery = (params: URLSearchParams, latest: number): PageQuery => {
  const rangeText = params.get("range") ?? "24h"
  if (rangeText !== "custom" && !Object.hasOwn(RANGES, rangeText)) {
    throw new PageQueryError(
      `range must be one of 24h, 7d, 30d or custom, got ${JSON.stringify(rangeText.slice(0, 20))}`,
    )
  }
  const rangeKey = rangeText as RangeKey
  const resolutionText = params.get("res")
  if (resolutionText !== null && resolutionText !== "hour" && resolutionText !== "day") {
    throw new PageQueryError(`res must be hour or day, got ${JSON.stringify(resolutionText.slice(0, 20))}`)
  }
  let range: TimeRange
  let resolution: Resolution
  if (rangeKey === "custom") {
    const from = dateParam(params, "from", false)
    const to = dateParam(params, "to", true)
    if (to <= from) throw new PageQueryError("to must be after from")
    if (to - from > 400 * DAY) throw new PageQueryError("a custom range spans at most 400 days")
    resolution = (resolutionText as Resolution | null) ?? (to - from > 7 * DAY ? "day" : "hour")
    range = { from, to }
  } else {
    const span = RANGES[rangeKey]
    resolution = (resolutionText as Resolution | null) ?? (span > 7 * DAY ? "day" : "hour")
    const to = windowStart(latest, resolution) + RESOLUTION_MS[resolution]
    range = { from: to - span, to }
  }
  if (resolution === "hour" && range.to - range.from > 31 * DAY) {
    throw new PageQueryError("hourly points are shown for at most 31 days: choose day resolution")
  }
  const segmentText = params.get("segment")
  const segment = segmentText === null || segmentText === "*" ? undefined : segmentText
  const referenceKind = params.get("ref") === "fixed" ? "fixed" : "trailing"
  let reference: TimeRange
  if (referenceKind === "fixed") {
    reference = { from: dateParam(params, "ref_from", false), to: dateParam(params, "ref_to", true) }
    if (reference.to <= reference.from) throw new PageQueryError("ref_to must be after ref_from")
  } else reference = { from: 2 * range.from - range.to, to: range.from }
  const windowText = params.get("window")
  const window = windowText === null || windowText === "" ? undefined : Number(windowText)
  if (window !== undefined && !Number.isSafeInteger(window))
    throw new PageQueryError("window must be a time in ms")
  return { rangeKey, range, resolution, segment, referenceKind, reference, window, params }
}

/** The query string of `query` with `changes` applied (undefined removes a field). */
export const withParams = (
  query: PageQuery,
  changes: Readonly<Record<string, string | undefined>>,
): string => {
  const params = new URLSearchParams(query.params)
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) params.delete(key)
    else params.set(key, value)
  }
  const text = params.toString()
  return text === "" ? "" : `?${text}`
}
