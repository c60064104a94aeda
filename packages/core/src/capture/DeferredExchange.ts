import type { HttpExchange } from "../http/HttpExchange.js"

/**
 * An exchange whose `HttpExchange` is built on demand. Adapters hand one of these to
 * `HttpProfiler.record` when the response ends, so the response path does only a few field reads:
 * reading headers, parsing the query and resolving the route template happen later, off it.
 */
export interface DeferredExchange {
  toExchange(): HttpExchange
}

/** Either an exchange or one built on demand. */
export type RecordedExchange = HttpExchange | DeferredExchange

/** Whether `value` builds its exchange on demand. */
export const isDeferredExchange = (value: RecordedExchange): value is DeferredExchange =>
  typeof (value as Partial<DeferredExchange>).toExchange === "function"
