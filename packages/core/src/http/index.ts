/**
 * core/http — the framework-neutral mapping from a finished HTTP exchange to a bounded, redacted row.
 * Every adapter (Express, Nest, Next) builds an `HttpExchange` and hands it to an `HttpRowMapper`.
 */
export * from "./HttpColumns.js"
export * from "./HttpExchange.js"
export * from "./HttpOptionsError.js"
export * from "./HttpRow.js"
export * from "./HttpRowMapper.js"
export * from "./HttpRowOptions.js"
