import type { IncomingMessage, ServerResponse } from "node:http"
import { HttpException } from "@nestjs/common"
import { type HttpProfiler, NodeCaptureSlots } from "@sketchlog/core/adapter"
import type { HttpHeaderRecord } from "@sketchlog/core/http"
import type { HandlerProfile } from "./HandlerProfile.js"
import { platformRoute } from "./routeTemplate.js"

/**
 * The Node request and response behind a platform's objects: Express's are the Node ones,
 * Fastify's wrap them as `.raw`.
 */
export const nodeRequest = (request: unknown): IncomingMessage =>
  ((request as { raw?: unknown }).raw ?? request) as IncomingMessage
export const nodeResponse = (response: unknown): ServerResponse =>
  ((response as { raw?: unknown }).raw ?? response) as ServerResponse

/**
 * HTTP servers whose requests a `SessionModule` captures as they arrive (its `request` listener): the
 * middleware leaves their requests alone, so a request `sampleRate` left out is not drawn again.
 */
export const listenedServers = new WeakSet<object>()

/** Whether `req` arrived through a server a `SessionModule` listens on. */
export const arrivedListened = (req: IncomingMessage): boolean => {
  const server = (req.socket as { server?: unknown } | undefined)?.server
  return typeof server === "object" && server !== null && listenedServers.has(server)
}

/** The `close` listener of every captured response (one function, no closure per request). */
function finishOnClose(this: ServerResponse): void {
  const slot = nestCaptures.slotOf(this.req)
  if (slot >= 0) nestCaptures.finish(slot)
}

/**
 * What the requests of Nest applications leave for profiling, one slot each (core's
 * `NodeCaptureSlots`: no object, closure or property per request). The response path only stores
 * references (the handler's profile, the platform's objects, the body sent, what was thrown); the
 * `HttpExchange` is built when the profiler maps it, after the response is out.
 */
class NestCaptures extends NodeCaptureSlots {
  readonly #profilers: Array<HttpProfiler | undefined> = []
  /** Set when the request reaches a route handler (`handlerHooks`). */
  readonly #handlers: Array<HandlerProfile | undefined> = []
  /** The template found then (the platform's, else from metadata). */
  readonly #routeTemplates: Array<string | undefined> = []
  /**
   * The platform's own request and response objects when they wrap the Node ones (Fastify's hold
   * the route, the parsed body and the response headers), set by the handler hook or a platform hook.
   */
  readonly #platformRequests: Array<unknown> = []
  readonly #platformResponses: Array<unknown> = []

  /**
   * Starts capturing a request, once: the first hook to see it (the server listener, else the
   * middleware) decides, with its profiler; later hooks and a second `SessionModule` find it taken.
   * A request `sampleRate` leaves out gets no slot.
   */
  start(req: IncomingMessage, res: ServerResponse, profiler: HttpProfiler): void {
    if (this.slotOf(req) >= 0 || !profiler.admit()) return
    const slot = this.open(req, res)
    this.#profilers[slot] = profiler
    res.on("close", finishOnClose)
  }

  handlerOf(slot: number): HandlerProfile | undefined {
    return this.#handlers[slot]
  }

  /** What the handler hook learnt when the request reached its route handler. */
  noteHandler(
    slot: number,
    handler: HandlerProfile,
    routeTemplate?: string,
    request?: unknown,
    response?: unknown,
  ): void {
    this.#handlers[slot] = handler
    if (handler.skip) return
    this.#routeTemplates[slot] = routeTemplate
    this.#platformRequests[slot] = request
    this.#platformResponses[slot] = response
  }

  /** The platform's request and reply (a Fastify hook, as Fastify routes the request), unless known. */
  notePlatform(slot: number, request: unknown, response: unknown): void {
    if (this.#platformRequests[slot] !== undefined) return
    this.#platformRequests[slot] = request
    this.#platformResponses[slot] = response
  }

  protected override opened(slot: number): void {
    this.cleared(slot)
  }

  protected override cleared(slot: number): void {
    this.#profilers[slot] = undefined
    this.#handlers[slot] = undefined
    this.#routeTemplates[slot] = undefined
    this.#platformRequests[slot] = undefined
    this.#platformResponses[slot] = undefined
  }

  /** Hands over (`@SkipProfiling`: counted excluded). */
  protected override onFinish(slot: number): void {
    const handler = this.#handlers[slot]
    const profiler = this.#profilers[slot]!
    if (handler?.skip === true) profiler.exclude()
    else profiler.recordSlot(this, slot, handler?.recordOptions)
  }

  protected override url(slot: number): string {
    return this.requests[slot]!.url ?? ""
  }

  protected override route(slot: number): string | undefined {
    return this.#routeTemplates[slot] ?? platformRoute(this.#platformRequest(slot))
  }

  protected override requestBody(slot: number): unknown {
    return this.#platformRequest(slot).body
  }

  /** Fastify passes its headers to `writeHead`, where the Node response does not keep them. */
  protected override responseHeaders(slot: number): HttpHeaderRecord {
    const response = this.#platformResponses[slot] as { getHeaders?: () => HttpHeaderRecord } | undefined
    return typeof response?.getHeaders === "function" ? response.getHeaders() : super.responseHeaders(slot)
  }

  /**
   * The status sent; when nothing was sent (the client left first), the one the exception would have
   * given: `HttpException.getStatus()`, else 500.
   */
  protected override status(slot: number): number {
    const res = this.responses[slot]!
    const error = this.errors[slot]
    if (res.headersSent || error === undefined) return res.statusCode
    return error instanceof HttpException ? error.getStatus() : 500
  }

  #platformRequest(slot: number): { readonly body?: unknown } {
    return (this.#platformRequests[slot] ?? this.requests[slot]) as { readonly body?: unknown }
  }
}

/** Every request the `SessionModule`s of this copy of the package capture. */
export const nestCaptures = new NestCaptures()
