/**
 * The fixed columns every HTTP row carries (when not excluded), whatever the bodies hold. Body fields add
 * `request.body.<path>` / `response.body.<path>` columns, and `request.query.<path>` with `queryValues`.
 */
export const HttpColumn = {
  method: "http.method",
  route: "http.route",
  status: "http.status",
  statusClass: "http.status_class",
  durationMs: "http.duration_ms",
  aborted: "http.aborted",
  error: "http.error",
  requestSize: "http.request.size",
  requestContentType: "http.request.content_type",
  requestHeaderCount: "http.request.header_count",
  requestHeadersSize: "http.request.headers_size",
  requestBodyFields: "http.request.body_fields",
  requestBodyTruncated: "http.request.body_truncated",
  responseSize: "http.response.size",
  responseContentType: "http.response.content_type",
  responseHeaderCount: "http.response.header_count",
  responseHeadersSize: "http.response.headers_size",
  responseBodyFields: "http.response.body_fields",
  responseBodyTruncated: "http.response.body_truncated",
  queryKeyCount: "http.query.key_count",
  queryKeys: "http.query.keys",
} as const

/** The name of one fixed column. */
export type HttpColumnName = (typeof HttpColumn)[keyof typeof HttpColumn]

/** Prefixes of the columns made from body and query fields. */
export const HttpFieldPrefix = {
  requestBody: "request.body",
  responseBody: "response.body",
  query: "request.query",
} as const

/** The presence column of a header, e.g. `http.request.headers.authorization.present`. */
export const headerPresenceColumn = (side: "request" | "response", header: string): string =>
  `http.${side}.headers.${header.toLowerCase()}.present`

/** Route names used when the adapter knows no route template (raw paths are never used). */
export const UnmatchedRoute = {
  /** A 404 that no route matched. */
  notFound: "(unmatched)",
  /** Answered before or outside routing (an auth middleware's 401, a static file, a body-parser 400). */
  unrouted: "(unrouted)",
} as const

/** The method name used for anything outside the standard methods (custom methods are client-chosen). */
export const OtherMethod = "(other)"

/**
 * Columns that may key a segment: only columns whose values are bounded by the application, never by
 * the client (body fields, content types and query keys are not allowed). Short aliases are accepted.
 */
export const SegmentableColumns: Readonly<Record<string, HttpColumnName>> = {
  route: HttpColumn.route,
  method: HttpColumn.method,
  status: HttpColumn.status,
  status_class: HttpColumn.statusClass,
  error: HttpColumn.error,
  aborted: HttpColumn.aborted,
  [HttpColumn.route]: HttpColumn.route,
  [HttpColumn.method]: HttpColumn.method,
  [HttpColumn.status]: HttpColumn.status,
  [HttpColumn.statusClass]: HttpColumn.statusClass,
  [HttpColumn.error]: HttpColumn.error,
  [HttpColumn.aborted]: HttpColumn.aborted,
}
