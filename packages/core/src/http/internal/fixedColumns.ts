import { HttpColumn } from "../HttpColumns.js"
import type { HttpRowValue } from "../HttpRow.js"

/** The fixed columns in row order (header presence columns follow them). */
export const FIXED: ReadonlyArray<keyof typeof HttpColumn> = [
  "method",
  "route",
  "status",
  "statusClass",
  "durationMs",
  "aborted",
  "error",
  "requestSize",
  "requestContentType",
  "requestHeaderCount",
  "requestHeadersSize",
  "requestBodyFields",
  "requestBodyTruncated",
  "responseSize",
  "responseContentType",
  "responseHeaderCount",
  "responseHeadersSize",
  "responseBodyFields",
  "responseBodyTruncated",
  "queryKeyCount",
  "queryKeys",
]

/** The value of a fixed (segmentable) column among `values` (one exchange's, in `FIXED` order). */
export const fixedValue = (values: ReadonlyArray<HttpRowValue>, column: string): HttpRowValue => {
  switch (column) {
    case HttpColumn.method:
      return values[0]!
    case HttpColumn.route:
      return values[1]!
    case HttpColumn.status:
      return values[2]!
    case HttpColumn.statusClass:
      return values[3]!
    case HttpColumn.aborted:
      return values[5]!
    case HttpColumn.error:
      return values[6]!
    default:
      return null
  }
}
