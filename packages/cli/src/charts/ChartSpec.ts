/**
 * The specs the chart components (`ui/charts.js`, drawn by uPlot in the browser) take: the server
 * and the report build them and write them into the page as JSON. Types mirror the JSDoc types of
 * `ui/charts.js`.
 */

/** How a chart labels its values (see `formatValue` in `ui/charts.js`). */
export type NumberFormat = "count" | "integer" | "number" | "share" | "drift"

/** One line or set of bars. */
export interface SeriesSpec {
  readonly label: string
  readonly values: ReadonlyArray<number | null>
  readonly color: string
  readonly fill?: string | undefined
  readonly dash?: boolean | undefined
  readonly width?: number | undefined
}

/** Lines over time (x in UTC ms); `bands` fill between two series (1-based series indexes). */
export interface TimeSpec {
  readonly kind: "time"
  readonly x: ReadonlyArray<number>
  readonly format: NumberFormat
  readonly series: ReadonlyArray<SeriesSpec>
  readonly bands?: ReadonlyArray<readonly [number, number, string]> | undefined
  readonly height?: number | undefined
}

/** A small line without axes, for tables. */
export interface SparkSpec {
  readonly kind: "spark"
  readonly x: ReadonlyArray<number>
  readonly values: ReadonlyArray<number | null>
  readonly format: NumberFormat
  readonly color: string
  readonly height?: number | undefined
}

/** A histogram: bucket edges, the first series as bars, others as outlines (a reference). */
export interface HistogramSpec {
  readonly kind: "histogram"
  readonly edges: ReadonlyArray<number>
  readonly format: NumberFormat
  /** How the bucket edges are labelled (default "number"; "integer" keeps ticks on whole numbers). */
  readonly xFormat?: NumberFormat | undefined
  readonly series: ReadonlyArray<SeriesSpec>
  readonly height?: number | undefined
}

/** Grouped bars over named categories (frequent values, types). */
export interface BarsSpec {
  readonly kind: "bars"
  readonly labels: ReadonlyArray<string>
  readonly format: NumberFormat
  readonly series: ReadonlyArray<SeriesSpec>
  readonly height?: number | undefined
}

/** Any chart. */
export type ChartSpec = TimeSpec | SparkSpec | HistogramSpec | BarsSpec

/** The palette: target, reference, and the quantile bands. */
export const COLORS = {
  primary: "#3b5bdb",
  primaryFill: "#3b5bdb33",
  reference: "#868e96",
  band: "#3b5bdb1f",
  bandInner: "#3b5bdb47",
  nulls: "#e8590c",
  good: "#2f9e44",
  warn: "#f08c00",
  bad: "#e03131",
  series: ["#3b5bdb", "#e8590c", "#2f9e44", "#ae3ec9", "#1098ad", "#f08c00", "#c2255c", "#5c940d"],
} as const
