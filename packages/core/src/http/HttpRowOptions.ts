import type { HttpExchange } from "./HttpExchange.js"

/**
 * A field pattern over flattened column names. A string is a glob: `*` matches within one dot-separated
 * segment, `**` matches any number of segments (zero included): `request.body.user.*`,
 * `**.card_number`, `response.body.**`. A `RegExp` is tested against the whole column name.
 */
export type HttpFieldPattern = string | RegExp

/**
 * A redaction entry, matched against each segment of a field path (and each query key) on its own.
 * A string names words, case-insensitively: `"api-key"` matches `apiKey`, `api_key`, `X-API-KEY`, `apikey`
 * and `xApiKey` (see README, "Redaction"). A `RegExp` is tested against the raw segment.
 */
export type HttpRedaction = string | RegExp

/** Limits that keep the work per exchange bounded whatever the bodies hold. */
export interface HttpBodyLimits {
  /** Deepest field path below a body, in segments (`a.b.c` is 3). Default 8, at most 64. */
  readonly maxDepth?: number
  /** Most columns one body (or the query) may add to a row. Default 100. */
  readonly maxFields?: number
  /** Longest string value kept; longer ones are cut (never mid-surrogate). Default 256 characters. */
  readonly maxStringLength?: number
  /** Most characters of string values one body may contribute in all. Default 8192. */
  readonly maxBodyChars?: number
  /** A body whose known size exceeds this is not walked (counted by size only). Default 1 MiB. */
  readonly maxBodyBytes?: number
  /** Field names longer than this are dropped (they would make absurd column names). Default 64. */
  readonly maxKeyLength?: number
  /** How many leading items of an array of objects are walked (as `<path>.0.<field>` …). Default 1. */
  readonly arrayItems?: number
  /**
   * Most distinct field columns a mapper learns per route (client-chosen keys would otherwise grow a
   * profile without bound); fields first seen after that are dropped and flagged. Default 512.
   */
  readonly maxColumnsPerRoute?: number
  /** Most distinct routes given their own column budget; later routes share one. Default 256. */
  readonly maxRoutes?: number
}

/** How a mapper turns exchanges into rows. Everything is optional; `createHttpRowMapper()` validates it. */
export interface HttpRowOptions {
  /** Columns to keep among body and query fields (the fixed `http.*` columns are always kept). */
  readonly include?: HttpFieldPattern | ReadonlyArray<HttpFieldPattern>
  /** Columns to drop, fixed or field; excluding a path drops everything below it too. */
  readonly exclude?: HttpFieldPattern | ReadonlyArray<HttpFieldPattern>
  /** Replaces the default redaction list (`defaultRedactions`). */
  readonly redact?: ReadonlyArray<HttpRedaction>
  /** Added to the redaction list (the defaults, or `redact` when given). */
  readonly alsoRedact?: ReadonlyArray<HttpRedaction>
  /** Exchanges for which this returns true produce no row (health checks, metrics scrapes). */
  readonly ignore?: (exchange: HttpExchange) => boolean
  /** Fraction of exchanges kept, 0..1. Default 1. */
  readonly sampleRate?: number
  /** Source of uniform numbers in [0, 1) for sampling. Default `Math.random`; inject one for tests. */
  readonly random?: () => number
  /** The dataset for an exchange: fixed, or chosen per exchange (`undefined` = the adapter's default). */
  readonly datasetId?: string | ((exchange: HttpExchange) => string | undefined)
  /**
   * Columns whose values key a segment, in order. Default `["http.route", "http.method"]`; `[]` for none.
   * Only bounded columns are accepted: route, method, status, status_class, error, aborted.
   */
  readonly segmentOn?: ReadonlyArray<string>
  /** Request headers whose presence (never value) gets a boolean column. Lower-cased. */
  readonly requestHeaders?: ReadonlyArray<string>
  /** Response headers whose presence gets a boolean column. */
  readonly responseHeaders?: ReadonlyArray<string>
  /** Also profile query values as `request.query.<key>` (redacted and bounded like bodies). Default false. */
  readonly queryValues?: boolean
  /** Body walking limits. */
  readonly limits?: HttpBodyLimits
}

/**
 * The default redaction list: fields and query keys naming these are never profiled, on any path
 * segment, case-insensitively.
 */
export const defaultRedactions: ReadonlyArray<string> = [
  "authorization",
  "cookie",
  "set-cookie",
  "password",
  "token",
  "secret",
  "api-key",
]

/** Default request headers with a presence column. */
export const defaultRequestHeaders: ReadonlyArray<string> = [
  "authorization",
  "cookie",
  "user-agent",
  "x-forwarded-for",
  "x-request-id",
]

/** Default response headers with a presence column. */
export const defaultResponseHeaders: ReadonlyArray<string> = ["set-cookie", "cache-control"]

/** The default body limits. */
export const defaultBodyLimits: Required<HttpBodyLimits> = {
  maxDepth: 8,
  maxFields: 100,
  maxStringLength: 256,
  maxBodyChars: 8192,
  maxBodyBytes: 1024 * 1024,
  maxKeyLength: 64,
  arrayItems: 1,
  maxColumnsPerRoute: 512,
  maxRoutes: 256,
}

/** Every option name of `HttpRowOptions` (an adapter's profiler takes these and its own). */
export const httpRowOptionNames = [
  "include",
  "exclude",
  "redact",
  "alsoRedact",
  "ignore",
  "sampleRate",
  "random",
  "datasetId",
  "segmentOn",
  "requestHeaders",
  "responseHeaders",
  "queryValues",
  "limits",
] as const satisfies ReadonlyArray<keyof HttpRowOptions>
