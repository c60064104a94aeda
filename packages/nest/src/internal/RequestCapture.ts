import type { IncomingMessage, ServerResponse } from "node:http"
import { HttpException } from "@nestjs/common"
import { type HttpProfiler, NodeExchangeCapture } from "@sketchlog/core/adapter"
import type { HttpHeaderRecord } from "@sketchlog/core/http"
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
 * What one request leaves for profiling (core's `NodeExchangeCapture`). The response path only
 * stores references (the handler's profile, the platform's objects, the body sent, what was thrown);
 * the `HttpExchange` is built when the profiler maps it, after the response is out.
 */
export class RequestCapture extends NodeExchangeCapture {
  readonly #profiler: HttpProfiler
  /** Set by the interceptor when the request reaches a handler. */
  handler: HandlerProfile | undefined = undefined
  /** The template the interceptor found (platform's, else from metadata). */
  routeTemplate: string | undefined = undefined
  /**
   * The platform's own request and response objects when they wrap the Node ones (Fastify's hold
   * the route, the parsed body and the response headers), set by the interceptor or a platform hook.
   */
  platformRequest: unknown = undefined
  platformResponse: unknown = undefined

  constructor(req: NodeRequest, res: ServerResponse, profiler: HttpProfiler) {
    super(req, res)
    this.#profiler = profiler
  }

  /** Hands over (`@SkipProfiling`: counted excluded). */
  protected override onFinish(): void {
    const handler = this.handler
    if (handler?.skip === true) this.#profiler.exclude()
    else this.#profiler.record(this, handler?.recordOptions)
  }

  protected override url(): string {
    return this.request.url ?? ""
  }

  protected override route(): string | undefined {
    return this.routeTemplate ?? platformRoute(this.#platformRequest())
  }

  protected override requestBody(): unknown {
    return this.#platformRequest().body
  }

  /** Fastify passes its headers to `writeHead`, where the Node response does not keep them. */
  protected override responseHeaders(): HttpHeaderRecord {
    const response = this.platformResponse as { getHeaders?: () => HttpHeaderRecord } | undefined
    return typeof response?.getHeaders === "function" ? response.getHeaders() : this.response.getHeaders()
  }

  /**
   * The status sent; when nothing was sent (the client left first), the one the exception would have
   * given: `HttpException.getStatus()`, else 500.
   */
  protected override status(): number {
    const res = this.response
    if (res.headersSent || this.error === undefined) return res.statusCode
    return this.error instanceof HttpException ? this.error.getStatus() : 500
  }

  #platformRequest(): { readonly body?: unknown } {
    return (this.platformRequest ?? this.request) as { readonly body?: unknown }
  }
}
