import { DatasetProfileView } from "@sketchlog/core"
import {
  type ColumnDrift,
  compareProfiles,
  type DriftOptions,
  type ProfileDrift,
} from "@sketchlog/core/drift"
import { ColumnDigest } from "../catalog/ColumnDigest.js"
import { type ColumnGroup, columnGroup, orderColumns } from "../catalog/ColumnGroups.js"
import { type ColumnFacts, columnFacts, rowCount } from "../profiles/ColumnFacts.js"
import { ReportInputError } from "./ReportError.js"

/** Options of `renderReport`. */
export interface ReportOptions {
  /** The page title (default "Profile report"). */
  readonly title?: string | undefined
  /** A profile to compare with: each column gets a drift badge and the baseline is drawn in its charts. */
  readonly baseline?: DatasetProfileView | undefined
  /**
   * Baseline profiles that may hold several segments (routes): each section is compared with the
   * baseline profiles of its own segment (all of them when they are unsegmented). Overrides `baseline`.
   */
  readonly baselineViews?: ReadonlyArray<DatasetProfileView> | undefined
  /** How to name the baseline in the page (e.g. its file name). */
  readonly baselineLabel?: string | undefined
  /** Where the profiles came from (file names), listed in the header. */
  readonly sources?: ReadonlyArray<string> | undefined
  /** The time printed as "generated at" (default: now). */
  readonly generatedAt?: Date | undefined
  /** Drift thresholds and buckets (default: whylogs'). */
  readonly drift?: DriftOptions | undefined
  /** Frequent values shown per column (default 10). */
  readonly maxFrequentValues?: number | undefined
}

/** One dataset time's quantiles of a column (5th, 25th, 50th, 75th, 95th percentiles). */
export interface QuantilePoint {
  readonly time: number
  readonly q05: number
  readonly q25: number
  readonly median: number
  readonly q75: number
  readonly q95: number
}

/** Everything the page shows about one column of a section. */
export interface ColumnModel {
  readonly name: string
  /** The anchor of its card (`s<section>-col-<index>`): never derived from the name, which may hold anything. */
  readonly anchor: string
  readonly group: ColumnGroup
  readonly facts: ColumnFacts
  /** The column's sketches, for its charts. */
  readonly digest: ColumnDigest
  readonly baselineDigest: ColumnDigest | undefined
  /** Quantiles per dataset time (two or more times with numbers), else undefined. */
  readonly bands: ReadonlyArray<QuantilePoint> | undefined
  readonly drift: ColumnDrift | undefined
}

/** The profiles of one segment (a route, say), or of everything when they are not segmented. */
export interface ReportSection {
  /** The segment id (`http.method=POST,http.route=/v1/score`), "" for unsegmented profiles. */
  readonly key: string
  /** As people read it: `POST /v1/score`. */
  readonly label: string
  readonly anchor: string
  readonly profileCount: number
  /** Distinct dataset timestamps, ascending. */
  readonly times: ReadonlyArray<number>
  readonly rows: number
  /** In page order: request and response body fields, other columns, then HTTP housekeeping. */
  readonly columns: ReadonlyArray<ColumnModel>
  readonly drift: ProfileDrift | undefined
  /** Columns the baseline has and the profiles do not. */
  readonly missingColumns: ReadonlyArray<string>
}

/** Everything the page shows. */
export interface ReportModel {
  readonly title: string
  readonly generatedAt: Date
  readonly profileCount: number
  readonly sources: ReadonlyArray<string>
  /** Distinct dataset timestamps of every profile, ascending. */
  readonly times: ReadonlyArray<number>
  readonly rows: number
  readonly baselineLabel: string | undefined
  /** One per segment (route), busiest first; one section when the profiles are not segmented. */
  readonly sections: ReadonlyArray<ReportSection>
}

const BAND_RANKS = [0.05, 0.25, 0.5, 0.75, 0.95]

const segmentKey = (view: DatasetProfileView): string => view.segment?.toString() ?? ""

/** `POST /v1/score` for an HTTP route segment, else the values joined. */
const segmentLabel = (view: DatasetProfileView): string => {
  const segment = view.segment
  if (segment === undefined) return "All profiles"
  const value = (column: string) => segment.values[segment.columns.indexOf(column)]
  const method = value("http.method")
  const route = value("http.route")
  if (route !== undefined) return method === undefined ? route : `${method} ${route}`
  return segment.values.join(" · ")
}

/** One running total per column (`DatasetProfileView.mergeAll`), not a new view per merged profile. */
const mergeAll = (views: ReadonlyArray<DatasetProfileView>): DatasetProfileView =>
  DatasetProfileView.mergeAll(views)

const groupBySegment = (views: ReadonlyArray<DatasetProfileView>): Map<string, DatasetProfileView[]> => {
  const out = new Map<string, DatasetProfileView[]>()
  for (const view of views) {
    const key = segmentKey(view)
    const list = out.get(key)
    if (list === undefined) out.set(key, [view])
    else list.push(view)
  }
  return out
}

const bandsOf = (name: string, timeline: ReadonlyArray<readonly [number, DatasetProfileView]>) => {
  if (timeline.length < 2) return undefined
  const points: QuantilePoint[] = []
  for (const [time, view] of timeline) {
    const column = view.getColumn(name)
    if (column === undefined) continue
    const q = ColumnDigest.of(column).quantiles(BAND_RANKS)
    if (q === undefined || !Number.isFinite(q[0]) || !Number.isFinite(q[4])) continue
    points.push({ time, q05: q[0]!, q25: q[1]!, median: q[2]!, q75: q[3]!, q95: q[4]! })
  }
  return points.length >= 2 ? points : undefined
}

const buildSection = (
  index: number,
  views: ReadonlyArray<DatasetProfileView>,
  merged: DatasetProfileView,
  baseline: DatasetProfileView | undefined,
  options: ReportOptions,
): ReportSection => {
  const byTime = new Map<number, DatasetProfileView[]>()
  for (const view of views) {
    const known = byTime.get(view.datasetTimestamp)
    if (known === undefined) byTime.set(view.datasetTimestamp, [view])
    else known.push(view)
  }
  const timeline = [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .map(([time, list]): readonly [number, DatasetProfileView] => [time, mergeAll(list)])
  const drift = baseline === undefined ? undefined : compareProfiles(baseline, merged, options.drift)
  const driftByColumn = new Map(drift?.columns.map((c) => [c.column, c]))
  const columns = orderColumns(merged.columnNames).map((name, i): ColumnModel => {
    const column = merged.getColumn(name)!
    const baseColumn = baseline?.getColumn(name)
    return {
      name,
      anchor: `s${index}-col-${i}`,
      group: columnGroup(name),
      facts: columnFacts(column),
      digest: ColumnDigest.of(column),
      baselineDigest: baseColumn === undefined ? undefined : ColumnDigest.of(baseColumn),
      bands: bandsOf(name, timeline),
      drift: driftByColumn.get(name),
    }
  })
  const first = views[0] as DatasetProfileView
  return {
    key: segmentKey(first),
    label: segmentLabel(first),
    anchor: `section-${index}`,
    profileCount: views.length,
    times: timeline.map(([t]) => t),
    rows: rowCount(merged.columns.values()),
    columns,
    drift,
    missingColumns:
      baseline === undefined ? [] : baseline.columnNames.filter((name) => !merged.columns.has(name)),
  }
}

/**
 * The report's content: the profiles grouped by segment (one section per route when the HTTP
 * profiler segmented them), each merged for the overall picture and per dataset timestamp for the
 * time line, and compared with its baseline when there is one.
 */
export const buildReportModel = (
  views: ReadonlyArray<DatasetProfileView>,
  options: ReportOptions = {},
): ReportModel => {
  if (views.length === 0) throw new ReportInputError({ reason: "a report needs at least one profile" })
  const limit = options.maxFrequentValues ?? 10
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ReportInputError({ reason: `maxFrequentValues must be a positive integer, got ${limit}` })
  }
  const baselineViews = options.baselineViews ?? (options.baseline === undefined ? [] : [options.baseline])
  const baselineGroups = groupBySegment(baselineViews)
  const baselineAll = baselineViews.length === 0 ? undefined : mergeAll(baselineViews)
  const onlyUnsegmented = baselineGroups.size === 1 && baselineGroups.has("")
  const baselineFor = (key: string): DatasetProfileView | undefined => {
    if (options.baselineViews === undefined || onlyUnsegmented) return baselineAll
    const group = baselineGroups.get(key)
    return group === undefined ? undefined : mergeAll(group)
  }
  const groups = [...groupBySegment(views).entries()].map(([key, list]) => {
    const merged = mergeAll(list)
    return { key, list, merged, rows: rowCount(merged.columns.values()) }
  })
  groups.sort((a, b) => b.rows - a.rows || (a.key < b.key ? -1 : 1))
  const sections = groups.map((g, i) => buildSection(i, g.list, g.merged, baselineFor(g.key), options))
  const times = [...new Set(views.map((v) => v.datasetTimestamp))].sort((a, b) => a - b)
  return {
    title: options.title ?? "Profile report",
    generatedAt: options.generatedAt ?? new Date(),
    profileCount: views.length,
    sources: options.sources ?? [],
    times,
    rows: sections.reduce((s, x) => s + x.rows, 0),
    baselineLabel: baselineViews.length === 0 ? undefined : (options.baselineLabel ?? "baseline"),
    sections,
  }
}
