import type { TypeName } from "../catalog/ColumnDigest.js"
import type { Resolution } from "../catalog/TimeWindow.js"

/** What a rule measures in a window. */
export type MonitorMetric =
  | "count"
  | "drop"
  | "null_share"
  | "drift"
  | "quantile"
  | "cardinality"
  | "type_share"
  | "new_value"

/** Every metric a rule may name, with what it measures (shown in errors and the UI). */
export const MONITOR_METRICS: Readonly<Record<MonitorMetric, string>> = {
  count: "values of the column (rows of the dataset without a column) in the window",
  drop: "the fall of that count against the previous window, as a share (0.5 = half)",
  null_share: "share of nulls among the column's values",
  drift: "Hellinger distance of the column's distribution from the reference (0 same … 1 disjoint)",
  quantile: "the column's q-quantile (with q)",
  cardinality: "estimated distinct values",
  type_share: "share of the non-null values of one type (with type)",
  new_value: "frequent values of the window that the reference never had",
}

/** The windows a rule is evaluated over: the last hour or day, or (for drift, new_value) a reference. */
export type MonitorWindow = "1h" | "1d"

/** Windows of `MonitorWindow` as chart resolutions. */
export const WINDOW_RESOLUTION: Readonly<Record<MonitorWindow, Resolution>> = { "1h": "hour", "1d": "day" }

/** What a window is compared with: the previous `trailing` windows, or fixed dates [from, to). */
export type MonitorReference =
  | { readonly kind: "trailing"; readonly windows: number }
  | { readonly kind: "fixed"; readonly from: number; readonly to: number }

/** Default trailing windows of a reference: a day of hours, a week of days. */
export const DEFAULT_TRAILING: Readonly<Record<MonitorWindow, number>> = { "1h": 24, "1d": 7 }

/** One alert rule of a monitors file, checked and with its defaults filled in. */
export interface MonitorRule {
  /** Where it stands in the file (0-based), for messages. */
  readonly index: number
  readonly name: string
  readonly dataset: string
  /** A column, `"*"` for every column, or undefined (only `count`/`drop`: the dataset's rows). */
  readonly column: string | undefined
  readonly metric: MonitorMetric
  readonly above: number | undefined
  readonly below: number | undefined
  readonly window: MonitorWindow
  /** Only this segment (exact id, "" = unsegmented); undefined = every segment merged. */
  readonly segment: string | undefined
  readonly reference: MonitorReference
  /** The rank of `quantile`. */
  readonly q: number | undefined
  /** The type of `type_share`. */
  readonly type: TypeName | undefined
}
