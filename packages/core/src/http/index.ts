/**
 * core/http — the framework-neutral mapping from a finished HTTP exchange to a bounded, redacted row.
 * Every adapter (Express, Nest, Next) builds an `HttpExchange` and hands it to an `HttpRowMapper`.
 */
export {
  HttpColumn,
  type HttpColumnName,
  HttpFieldPrefix,
  headerPresenceColumn,
  OtherMethod,
  SegmentableColumns,
  UnmatchedRoute,
} from "./HttpColumns.js"
export type {
  HttpExchange,
  HttpHeaderRecord,
  HttpHeaders,
  HttpHeadersLike,
  HttpMessage,
  HttpQuery,
} from "./HttpExchange.js"
export { HttpOptionsError } from "./HttpOptionsError.js"
export type {
  HttpRow,
  HttpRowMapped,
  HttpRowResult,
  HttpRowSkipped,
  HttpRowValue,
  HttpSkipReason,
} from "./HttpRow.js"
export { createHttpRowMapper, type HttpRowMapper, makeHttpRowMapper, toRow } from "./HttpRowMapper.js"
export {
  defaultBodyLimits,
  defaultRedactions,
  defaultRequestHeaders,
  defaultResponseHeaders,
  type HttpBodyLimits,
  type HttpFieldPattern,
  type HttpRedaction,
  type HttpRowOptions,
} from "./HttpRowOptions.js"
