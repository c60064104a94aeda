/**
 * Header values as Node (`IncomingHttpHeaders`, `OutgoingHttpHeaders`) or a plain record holds them.
 * Only names, counts and sizes are ever read into a row, never a value (except the media type of
 * `content-type` and the digits of `content-length`).
 */
export type HttpHeaderRecord = Readonly<Record<string, string | number | ReadonlyArray<string> | undefined>>

/** Anything with the web `Headers` iteration method (`Headers`, undici's `Headers`). */
export interface HttpHeadersLike {
  forEach(callback: (value: string, name: string) => void): void
}

/** The headers of one side of an exchange, in whichever form the framework has them. */
export type HttpHeaders = HttpHeaderRecord | HttpHeadersLike

/** A parsed query: the framework's query object (`req.query`) or a `URLSearchParams`. */
export type HttpQuery = Readonly<Record<string, unknown>> | URLSearchParams

/** One side (request or response) of an exchange. Every field is optional: pass what is known. */
export interface HttpMessage {
  /** The header map; values are never profiled. */
  readonly headers?: HttpHeaders | undefined
  /** The `content-type`; when absent it is read from `headers`. Parameters (`; charset=…`) are dropped. */
  readonly contentType?: string | undefined
  /** Size of the body in bytes, when known; when absent, `content-length` is used, else it is unknown. */
  readonly size?: number | undefined
  /**
   * The body as the framework already parsed it from JSON (`req.body` after `express.json()`, the value
   * given to `res.json()`). Raw text, buffers and streams are never read: pass them and they count by
   * size and content type only.
   */
  readonly body?: unknown
}

/**
 * What an adapter hands to core once a request has finished: everything the mapper needs to build a
 * row, with no framework type in it. Adapters fill what their framework knows and leave the rest out.
 */
export interface HttpExchange {
  /** The request method as received; anything outside the standard methods becomes `"(other)"`. */
  readonly method: string
  /**
   * The route template that matched (`/users/:id`, `/api/items/[id]`), never the raw path. When no route
   * matched, leave it out: the row then says `"(unmatched)"` for a 404 and `"(unrouted)"` otherwise.
   */
  readonly route?: string | undefined
  /**
   * The raw path, for the `ignore` and `datasetId` callbacks only (health checks before routing). It is
   * never written to a row: raw paths carry ids and would make unbounded columns and segments.
   */
  readonly path?: string | undefined
  /** The response status sent (or about to be sent when the request was aborted). */
  readonly status: number
  /** Time from the request's arrival to the end of the response, in milliseconds. */
  readonly durationMs: number
  /** When the request arrived (epoch milliseconds or a `Date`); the mapping time when absent. */
  readonly timestamp?: number | Date | undefined
  readonly request?: HttpMessage | undefined
  readonly response?: HttpMessage | undefined
  /** The parsed query; only its key set is profiled unless `queryValues` is on. */
  readonly query?: HttpQuery | undefined
  /** What the handler threw, if it did. Only its class name is profiled, never its message. */
  readonly error?: unknown
  /** True when the client went away before the response was complete. */
  readonly aborted?: boolean | undefined
}
