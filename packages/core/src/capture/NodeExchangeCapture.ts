import type { IncomingMessage, ServerResponse } from "node:http"
import type { HttpExchange, HttpHeaderRecord, HttpQuery } from "../http/HttpExchange.js"
import type { DeferredExchange } from "./DeferredExchange.js"

/**
 * What one request on a Node server (`IncomingMessage`/`ServerResponse`: Express, Nest on Express or
 * Fastify) leaves for profiling: the response path only stores references and a few numbers, and
 * the `HttpExchange` is built by `toExchange` after the response is out, when the profiler maps it.
 * A framework package extends it with what its framework adds (a route template, the body it sent,
 * how it reports exceptions) and calls `finish()` once, on the response's `close`.
 */
export abstract class NodeExchangeCapture implements DeferredExchange {
  /** When the request arrived, epoch milliseconds. */
  readonly startedAt = Date.now()
  readonly #start = performance.now()
  protected readonly request: IncomingMessage
  protected readonly response: ServerResponse
  /** The body the application sent (`res.json`, Nest's reply), as a value. */
  responseBody: unknown = undefined
  /** What the request's handlers threw. */
  error: unknown = undefined
  /** Time from arrival to the response's `close`, in milliseconds. */
  durationMs = 0
  /** Whether the client went away before the response was handed over. */
  aborted = false
  finished = false

  constructor(request: IncomingMessage, response: ServerResponse) {
    this.request = request
    this.response = response
  }

  /** Called once, on the response's `close`: freezes the timing, then `onFinish` hands it over. */
  finish(): void {
    if (this.finished) return
    this.finished = true
    this.durationMs = performance.now() - this.#start
    this.aborted = this.wasAborted()
    this.onFinish()
  }

  /** The exchange, built after the response is out. Reads only; never throws on odd values. */
  toExchange(): HttpExchange {
    const request = this.request
    const url = this.url()
    const q = url?.indexOf("?") ?? -1
    return {
      method: request.method ?? "",
      route: this.route(),
      path: q === -1 ? url : url!.slice(0, q),
      status: this.status(),
      durationMs: this.durationMs,
      timestamp: this.startedAt,
      request: { headers: request.headers, body: this.requestBody() },
      response: { headers: this.responseHeaders(), body: this.responseBody, size: this.responseSize() },
      query: this.query(url, q),
      error: this.error,
      aborted: this.aborted,
    }
  }

  /** Hands the finished capture to its profiler(s) (`record`, or `exclude`). */
  protected abstract onFinish(): void

  /** The route template (`/items/:id`), never the raw path. */
  protected abstract route(): string | undefined

  /** Whether the response never reached the client whole. */
  protected wasAborted(): boolean {
    return !this.response.writableFinished
  }

  /** The request URL, query string included. */
  protected url(): string | undefined {
    return this.request.url
  }

  protected status(): number {
    return this.response.statusCode
  }

  /** The parsed request body, when a body parser left one on the request. */
  protected requestBody(): unknown {
    return (this.request as { readonly body?: unknown }).body
  }

  protected responseHeaders(): HttpHeaderRecord {
    return this.response.getHeaders()
  }

  /** Bytes of the response body when `content-length` does not say it (core reads that itself). */
  protected responseSize(): number | undefined {
    return undefined
  }

  /** The query of `url` (`q`: where its `?` is, or -1). */
  protected query(url: string | undefined, q: number): HttpQuery | undefined {
    return q === -1 ? undefined : new URLSearchParams(url!.slice(q + 1))
  }
}
