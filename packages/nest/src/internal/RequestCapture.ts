import type { IncomingMessage, ServerResponse } from "node:http"
import { HttpException } from "@nestjs/common"
import type { DeferredExchange, HttpProfiler } from "@sketchlog/core/adapter"
import type { HttpExchange, HttpHeaderRecord } from "@sketchlog/core/http"
import type { HandlerProfile } from "./HandlerProfile.js"
import { platformRoute } from "./routeTemplate.js"

/** Where a request's capture is kept, on the Node request and response (shared by every platform). */
const CAPTURE = Symbol.for("sketchlog.nest.capture")

/** Marks a request `sampleRate` left out, so a later hook does not draw again. */
const NOT_SAMPLED = Symbol.for("sketchlog.nest.not-sampled")

type NodeRequest = IncomingMessage & {
  [CAPTURE]?: RequestCapture | typeof NOT_SAMPLED
}
type NodeResponse = ServerResponse & { [CAPTURE]?: RequestCapture }

/**
 * The Node request and response behind a platform's objects: Express's are the Node ones,
 * Fastify's wrap them as `.raw`.
 */
export const nodeRequest = (request: unknown): IncomingMessage =>
  ((request as { raw?: unknown }).raw ?? request) as IncomingMessage
export const nodeResponse = (response: unknown): ServerResponse =>
  ((response as { raw?: unknown }).raw ?? response) as ServerResponse

/** The capture of a request, if one was started and the request was sampled in. */
export const captureOf = (req: IncomingMessage): RequestCapture | undefined => {
  const capture = (req as NodeRequest)[CAPTURE]
  return capture === NOT_SAMPLED ? undefined : capture
}

/** The capture of the request a response answers (Express's or Fastify's response, or the Node one). */
export const captureOfResponse = (response: unknown): RequestCapture | undefined =>
  (nodeResponse(response) as NodeResponse)[CAPTURE]

/**
 * Starts capturing a request, once: the first hook to see it (the server listener, else the
 * middleware) decides, with its profiler; later hooks and a second `SessionModule` find it taken, so a
 * request is profiled once however many registrations see it.
 */
export const startCapture = (req: IncomingMessage, res: ServerResponse, profiler: HttpProfiler): void => {
  const r = req as NodeRequest
  if (r[CAPTURE] !== undefined) return
  if (!profiler.admit()) {
    r[CAPTURE] = NOT_SAMPLED
    return
  }
  const capture = new RequestCapture(r, res, profiler)
  r[CAPTURE] = capture
  ;(res as NodeResponse)[CAPTURE] = capture
  res.once("close", finishOnClose)
}

/** The `close` listener of every captured response (one function, no closure per request). */
function finishOnClose(this: ServerResponse): void {
  ;(this as NodeResponse)[CAPTURE]?.finish()
}

/**
 * What one request leaves for profiling. The response path only stores references (the handler's
 * profile, the platform's objects, the body sent, what was thrown); the `HttpExchange` is built by
 * `toExchange` when the profiler maps it, after the response is out.
 */
export class RequestCapture implements DeferredExchange {
  readonly startedAt = Date.now()
  readonly #start = performance.now()
  readonly #req: NodeRequest
  readonly #res: ServerResponse
  readonly #profiler: HttpProfiler
  /** Set by the interceptor when the request reaches a handler. */
  handler: HandlerProfile | undefined = undefined
  /** The template the interceptor found (platform's, else from metadata). */
  route: string | undefined = undefined
  /**
   * The platform's own request and response objects when they wrap the Node ones (Fastify's hold
   * the route, the parsed body and the response headers), set by the interceptor or a platform hook.
   */
  platformRequest: unknown = undefined
  platformResponse: unknown = undefined
  /** The body Nest sent (`HttpAdapter.reply`), after every interceptor: what the client got. */
  responseBody: unknown = undefined
  /** What the handler, a pipe or an inner interceptor threw. */
  error: unknown = undefined
  #durationMs = 0
  #aborted = false
  #finished = false

  constructor(req: NodeRequest, res: ServerResponse, profiler: HttpProfiler) {
    this.#req = req
    this.#res = res
    this.#profiler = profiler
  }

  /** On the response's `close`: freeze the timing, then hand over (`@SkipProfiling`: counted excluded). */
  finish(): void {
    if (this.#finished) return
    this.#finished = true
    this.#durationMs = performance.now() - this.#start
    this.#aborted = !this.#res.writableFinished
    const handler = this.handler
    if (handler?.skip === true) this.#profiler.exclude()
    else this.#profiler.record(this, handler?.recordOptions)
  }

  /** The exchange, built off the response path. Reads only. */
  toExchange(): HttpExchange {
    const req = this.#req
    const res = this.#res
    const request = (this.platformRequest ?? req) as { readonly body?: unknown }
    const response = this.platformResponse as { getHeaders?: () => HttpHeaderRecord } | undefined
    const url = req.url ?? ""
    const q = url.indexOf("?")
    return {
      method: req.method ?? "",
      route: this.route ?? platformRoute(request),
      path: q === -1 ? url : url.slice(0, q),
      status: this.#status(),
      durationMs: this.#durationMs,
      timestamp: this.startedAt,
      request: { headers: req.headers, body: request.body },
      // Fastify passes its headers to `writeHead`, where the Node response does not keep them.
      response: {
        headers: typeof response?.getHeaders === "function" ? response.getHeaders() : res.getHeaders(),
        body: this.responseBody,
      },
      query: q === -1 ? undefined : new URLSearchParams(url.slice(q + 1)),
      error: this.error,
      aborted: this.#aborted,
    }
  }

  /**
   * The status sent; when nothing was sent (the client left first), the one the exception would have
   * given: `HttpException.getStatus()`, else 500.
   */
  #status(): number {
    const res = this.#res
    if (res.headersSent || this.error === undefined) return res.statusCode
    return this.error instanceof HttpException ? this.error.getStatus() : 500
  }
}
