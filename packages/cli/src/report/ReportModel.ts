import {
  type ColumnDrift,
  type ColumnProfileView,
  compareProfiles,
  type DatasetProfileView,
  type DriftOptions,
  kllHistogram,
  type ProfileDrift,
  sharedHistogramEdges,
} from "@sketchlog/core"
import { type ColumnFacts, columnFacts, rowCount, sortedItems } from "../profiles/ColumnFacts.js"
import type { FrequentBar } from "./charts/FrequentChart.js"
import type { HistogramData } from "./charts/HistogramChart.js"
import type { QuantilePoint } from "./charts/QuantileBandsChart.js"
import { ReportInputError } from "./ReportError.js"

/** Options of `renderReport`. */
export interface ReportOptions {
  /** The page title (default "Profile report"). */
  readonly title?: string | undefined
  /** A profile to compare with: each column gets a drift badge and the baseline is drawn in its charts. */
  readonly baseline?: DatasetProfileView | undefined
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

/** Everything the page shows about one column. */
export interface ColumnModel {
  readonly name: string
  /** The anchor of its card (`col-<index>`): never derived from the name, which may hold anything. */
  readonly anchor: string
  readonly facts: ColumnFacts
  /**
   * The column's main chart: its histogram when its values are mostly numbers, its frequent values
   * when they are mostly strings or booleans (or it has no numbers), else its types and nulls.
   */
  readonly main: "histogram" | "frequent" | "types"
  readonly histogram: HistogramData | undefined
  readonly frequent: ReadonlyArray<FrequentBar> | undefined
  readonly bands: ReadonlyArray<QuantilePoint> | undefined
  readonly drift: ColumnDrift | undefined
}

/** Everything the page shows. */
export interface ReportModel {
  readonly title: string
  readonly generatedAt: Date
  readonly profileCount: number
  readonly sources: ReadonlyArray<string>
  /** Distinct dataset timestamps, ascending. */
  readonly times: ReadonlyArray<number>
  readonly rows: number
  readonly columns: ReadonlyArray<ColumnModel>
  readonly baselineLabel: string | undefined
  readonly drift: ProfileDrift | undefined
  /** Columns the baseline has and the profiles do not. */
  readonly missingColumns: ReadonlyArray<string>
}

const isBooleanOnly = (column: ColumnProfileView): boolean => {
  const t = column.types
  return t !== undefined && t.boolean > 0 && t.integral === 0 && t.fractional === 0
}

const numbersOf = (column: ColumnProfileView | undefined) => {
  if (column === undefined || isBooleanOnly(column)) return undefined
  const sketch = column.distribution?.kll.peek()
  return sketch === undefined || sketch.isEmpty ? undefined : sketch
}

const histogramOf = (
  column: ColumnProfileView,
  baseline: ColumnProfileView | undefined,
): HistogramData | undefined => {
  const sketch = numbersOf(column)
  if (sketch === undefined) return undefined
  const base = numbersOf(baseline)
  const edges = sharedHistogramEdges(base === undefined ? [sketch] : [base, sketch])
  if (edges === undefined) return undefined
  const target = kllHistogram(sketch, edges)
  if (target === undefined) return undefined
  const baseHistogram = base === undefined ? undefined : kllHistogram(base, edges)
  return {
    edges,
    counts: target.counts,
    total: target.n,
    baseline:
      baseHistogram === undefined ? undefined : { counts: baseHistogram.counts, total: baseHistogram.n },
    // The shared edges span both sides' finite values, so what falls outside is ±Infinity.
    infinite: { negative: target.below, positive: target.above },
  }
}

const nonNull = (column: ColumnProfileView): number => (column.counts?.n ?? 0) - (column.counts?.null ?? 0)

const frequentOf = (
  column: ColumnProfileView,
  baseline: ColumnProfileView | undefined,
  limit: number,
): ReadonlyArray<FrequentBar> | undefined => {
  const items = sortedItems(column.frequentItems?.items())
  const total = nonNull(column)
  if (items === undefined || items.length === 0 || total <= 0) return undefined
  const baseItems = baseline?.frequentItems?.items()
  const baseTotal = baseline === undefined ? 0 : nonNull(baseline)
  const baseShare = new Map(baseItems?.map((item) => [item.value, baseTotal > 0 ? item.est / baseTotal : 0]))
  return items.slice(0, limit).map((item) => ({
    value: item.value,
    count: item.est,
    share: item.est / total,
    baselineShare: baseItems === undefined ? undefined : (baseShare.get(item.value) ?? 0),
  }))
}

const bandsOf = (name: string, timeline: ReadonlyArray<readonly [number, DatasetProfileView]>) => {
  if (timeline.length < 2) return undefined
  const points: QuantilePoint[] = []
  for (const [time, view] of timeline) {
    const sketch = numbersOf(view.getColumn(name))
    if (sketch === undefined) continue
    const [q05, q25, median, q75, q95] = sketch.getQuantiles([0.05, 0.25, 0.5, 0.75, 0.95])
    const point = { time, q05: q05!, q25: q25!, median: median!, q75: q75!, q95: q95! }
    if ([point.q05, point.q95].every(Number.isFinite)) points.push(point)
  }
  return points.length >= 2 ? points : undefined
}

/**
 * The report's content: the profiles merged (the overall picture), merged again per dataset
 * timestamp (the time line for the quantile bands), and compared with the baseline when there is one.
 */
export const buildReportModel = (
  views: ReadonlyArray<DatasetProfileView>,
  options: ReportOptions = {},
): ReportModel => {
  const first = views[0]
  if (first === undefined) throw new ReportInputError({ reason: "a report needs at least one profile" })
  const limit = options.maxFrequentValues ?? 10
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ReportInputError({ reason: `maxFrequentValues must be a positive integer, got ${limit}` })
  }
  const merged = views.slice(1).reduce((a, b) => a.merge(b), first)
  const byTime = new Map<number, DatasetProfileView>()
  for (const view of views) {
    const known = byTime.get(view.datasetTimestamp)
    byTime.set(view.datasetTimestamp, known === undefined ? view : known.merge(view))
  }
  const timeline = [...byTime.entries()].sort(([a], [b]) => a - b)
  const baseline = options.baseline
  const drift = baseline === undefined ? undefined : compareProfiles(baseline, merged, options.drift)
  const driftByColumn = new Map(drift?.columns.map((c) => [c.column, c]))
  const columns = merged.columnNames.map((name, index): ColumnModel => {
    const column = merged.getColumn(name)!
    const baseColumn = baseline?.getColumn(name)
    const histogram = histogramOf(column, baseColumn)
    const facts = columnFacts(column)
    const frequent = frequentOf(column, baseColumn, limit)
    const numeric = facts.type === "integral" || facts.type === "fractional"
    const main =
      histogram !== undefined && (numeric || frequent === undefined)
        ? "histogram"
        : frequent !== undefined
          ? "frequent"
          : "types"
    return {
      name,
      anchor: `col-${index}`,
      facts,
      main,
      histogram,
      frequent,
      bands: bandsOf(name, timeline),
      drift: driftByColumn.get(name),
    }
  })
  return {
    title: options.title ?? "Profile report",
    generatedAt: options.generatedAt ?? new Date(),
    profileCount: views.length,
    sources: options.sources ?? [],
    times: timeline.map(([t]) => t),
    rows: rowCount(merged.columns.values()),
    columns,
    baselineLabel: baseline === undefined ? undefined : (options.baselineLabel ?? "baseline"),
    drift,
    missingColumns:
      baseline === undefined ? [] : baseline.columnNames.filter((name) => !merged.columns.has(name)),
  }
}
