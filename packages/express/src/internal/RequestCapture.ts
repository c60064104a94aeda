import type { IncomingMessage, ServerResponse } from "node:http"
import type { Row, SessionHandle } from "@sketchlog/core"
import { type HttpProfiler, NodeExchangeCapture } from "@sketchlog/core/adapter"
import type { HttpQuery } from "@sketchlog/core/http"
import type { RequestSketchlog } from "../RequestSketchlog.js"
import { byteLength, hookResponses, type ResponseSink } from "./responseHooks.js"
import { routeTemplate } from "./routeTemplate.js"

type ExpressRequest = IncomingMessage & {
  readonly route?: unknown
  readonly baseUrl?: unknown
  readonly app?: unknown
  readonly originalUrl?: string
  readonly body?: unknown
  readonly query?: unknown
  sketchlog?: unknown
}

/**
 * The capture of a request, if a sketchlog middleware saw it. The capture is `req.sketchlog` itself:
 * one property added to each request, not two (every property added to Node's request objects has a
 * measurable cost on a busy server).
 */
export const captureOf = (req: object | undefined): RequestCapture | undefined => {
  const capture = (req as ExpressRequest | undefined)?.sketchlog
  return capture instanceof RequestCapture ? capture : undefined
}

/** The query of a URL without a query string. */
const NO_QUERY: Readonly<Record<string, unknown>> = Object.freeze({})

/** The `close` listener of every watched response: one shared function, no closure per request. */
function onResponseClose(this: ServerResponse): void {
  captureOf(this.req)?.finish()
}

/**
 * What one request leaves for profiling, gathered on the response path with a few field reads and
 * turned into an `HttpExchange` only after the response is out (core's `NodeExchangeCapture`). It is
 * also the request's `req.sketchlog`, so a request costs one object for both.
 */
export class RequestCapture extends NodeExchangeCapture implements RequestSketchlog, ResponseSink {
  declare protected readonly request: ExpressRequest
  /** The first middleware's profiler: the one `req.sketchlog` speaks for. */
  readonly primary: HttpProfiler
  /** Whether the primary profiler's `admit()` took this request. */
  primaryRecords = false
  /**
   * Other profilers this request is recorded by (a second, differently configured middleware on its
   * way): allocated only then, so the usual request costs no array.
   */
  others: Array<HttpProfiler> | undefined = undefined
  /** Whether the response is being watched (its hooks report here; the `close` listener is on). */
  watching = false
  /** Bytes passed to `res.write`, for streamed bodies without a `content-length`. */
  written = 0
  /** The last chunk given to `res.end`, measured only if nothing says the size. */
  endChunk: unknown = undefined
  endEncoding: unknown = undefined
  /** Express's route and mount path as they were when the response ended (it resets them later). */
  finishedRoute: unknown = undefined
  finishedBaseUrl: unknown = undefined
  finishedApp: unknown = undefined

  constructor(req: IncomingMessage, res: ServerResponse, primary: HttpProfiler) {
    super(req, res)
    this.primary = primary
  }

  /** Whether `profiler` records this request already. */
  recordedBy(profiler: HttpProfiler): boolean {
    return (this.primaryRecords && profiler === this.primary) || (this.others?.includes(profiler) ?? false)
  }

  /** Records the request with `profiler` too (when its `admit()` took it). */
  recordWith(profiler: HttpProfiler): void {
    if (profiler === this.primary) this.primaryRecords = true
    else if (this.others === undefined) this.others = [profiler]
    else this.others.push(profiler)
    if (this.watching) return
    // The response hooks (on Express's response prototype) report to this capture from now on, and
    // `close` comes after `finish`, or when the client went away.
    this.watching = true
    hookResponses(this.response)
    this.response.on("close", onResponseClose)
  }

  protected override onFinish(): void {
    const req = this.request
    // The route and mount path as they are when the response ends (Express resets them once a
    // router is left), read now and resolved to a template later, off the response path.
    this.finishedRoute = req.route
    this.finishedBaseUrl = req.baseUrl
    this.finishedApp = req.app
    if (this.primaryRecords) this.primary.record(this)
    const others = this.others
    if (others !== undefined) for (let i = 0; i < others.length; i++) others[i]!.record(this)
  }

  /**
   * The client went away: before the response was handed over, or before its own request body
   * arrived whole (a response written afterwards, like body-parser's 400 for the aborted body,
   * counts as "finished" although it went nowhere).
   */
  protected override wasAborted(): boolean {
    return super.wasAborted() || this.request.readableAborted === true
  }

  protected override url(): string | undefined {
    const req = this.request
    return typeof req.originalUrl === "string" ? req.originalUrl : req.url
  }

  protected override route(): string | undefined {
    // Before the response ends (`req.sketchlog.datasetId` in a handler) the live values are read.
    const req = this.request
    return this.finished
      ? routeTemplate(this.finishedRoute, this.finishedBaseUrl, this.finishedApp)
      : routeTemplate(req.route, req.baseUrl, req.app)
  }

  protected override query(_url: string | undefined, q: number): HttpQuery | undefined {
    const req = this.request
    let query: unknown
    if (q === -1 && !Object.hasOwn(req, "query")) {
      // No query string: Express would parse "" into {} (Express 5 parses on every read of its
      // getter); an own `query` (Express 4's, or one a middleware set) is still read.
      query = NO_QUERY
    } else {
      try {
        query = req.query // Express 5 parses the query string on every read: done here, not earlier
      } catch {
        query = undefined
      }
    }
    return typeof query === "object" && query !== null ? (query as Record<string, unknown>) : undefined
  }

  /** Bytes of a streamed body; undefined when `content-length` says it (core reads that itself). */
  protected override responseSize(): number | undefined {
    const res = this.response
    if (res.getHeader("content-length") !== undefined) return undefined
    if (!res.headersSent) return undefined
    return this.written + byteLength(this.endChunk, this.endEncoding)
  }

  // — req.sketchlog —

  get session(): SessionHandle | undefined {
    return this.primary.session
  }

  get datasetId(): string {
    return this.primary.datasetFor(this.toExchange())
  }

  log(row: Row): Promise<void> {
    const exchange = this.toExchange()
    return this.primary.log(row, { datasetId: this.primary.datasetFor(exchange), exchange })
  }
}
