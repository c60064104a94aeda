import type { IncomingMessage, ServerResponse } from "node:http"
import { type HttpProfiler, NodeCaptureSlots } from "@sketchlog/core/adapter"
import type { HttpQuery } from "@sketchlog/core/http"
import { byteLength, hookResponses } from "./responseHooks.js"
import { routeTemplate } from "./routeTemplate.js"

type ExpressRequest = IncomingMessage & {
  readonly route?: unknown
  readonly baseUrl?: unknown
  readonly app?: unknown
  readonly originalUrl?: string
  readonly query?: unknown
}

/** The query of a URL without a query string. */
const NO_QUERY: Readonly<Record<string, unknown>> = Object.freeze({})

/** The `close` listener of every watched response: one shared function, no closure per request. */
function onResponseClose(this: ServerResponse): void {
  const slot = expressCaptures.slotOf(this.req)
  if (slot >= 0) expressCaptures.finish(slot)
}

/**
 * The requests `sketchlog()` middlewares are capturing, one slot each (core's `NodeCaptureSlots`): no
 * object, closure or property per request. A slot is opened when a middleware's profiler admits the
 * request; the response hooks (on Express's response prototype) and the `close` listener find it from
 * `res.req`. What Express adds is kept here: the profilers recording the request (the first one is
 * the one `req.sketchlog` speaks for), the bytes of a streamed body, and Express's route and mount
 * path as they were when the response ended (it resets them later).
 */
class ExpressCaptures extends NodeCaptureSlots {
  readonly #primaries: Array<HttpProfiler | undefined> = []
  /**
   * Other profilers this request is recorded by (a second, differently configured middleware on its
   * way): allocated only then, so the usual request costs no array.
   */
  readonly #others: Array<Array<HttpProfiler> | undefined> = []
  /** Bytes passed to `res.write`, for streamed bodies without a `content-length`. */
  readonly #written: Array<number> = []
  /** The last chunk given to `res.end`, measured only if nothing says the size. */
  readonly #endChunks: Array<unknown> = []
  readonly #endEncodings: Array<unknown> = []
  readonly #routes: Array<unknown> = []
  readonly #baseUrls: Array<unknown> = []
  readonly #apps: Array<unknown> = []

  /** Starts capturing `req` for `profiler` (which admitted it): its response is watched from now on. */
  start(req: IncomingMessage, res: ServerResponse, profiler: HttpProfiler): number {
    const slot = this.open(req, res)
    this.#primaries[slot] = profiler
    // The response hooks report to this slot from now on, and `close` comes after `finish`, or when
    // the client went away.
    hookResponses(res, this)
    res.on("close", onResponseClose)
    return slot
  }

  /** The profiler `req.sketchlog` of this slot speaks for. */
  primaryOf(slot: number): HttpProfiler {
    return this.#primaries[slot]!
  }

  /** Whether `profiler` records this slot already. */
  recordedBy(slot: number, profiler: HttpProfiler): boolean {
    return this.#primaries[slot] === profiler || (this.#others[slot]?.includes(profiler) ?? false)
  }

  /** Records the slot with `profiler` too (a second middleware whose `admit()` took it). */
  recordWith(slot: number, profiler: HttpProfiler): void {
    const others = this.#others[slot]
    if (others === undefined) this.#others[slot] = [profiler]
    else others.push(profiler)
  }

  noteWrite(slot: number, bytes: number): void {
    this.#written[slot]! += bytes
  }

  noteEnd(slot: number, chunk: unknown, encoding: unknown): void {
    this.#endChunks[slot] = chunk
    this.#endEncodings[slot] = encoding
  }

  protected override opened(slot: number): void {
    this.cleared(slot)
    this.#written[slot] = 0
  }

  protected override cleared(slot: number): void {
    this.#primaries[slot] = undefined
    this.#others[slot] = undefined
    this.#endChunks[slot] = undefined
    this.#endEncodings[slot] = undefined
    this.#routes[slot] = undefined
    this.#baseUrls[slot] = undefined
    this.#apps[slot] = undefined
  }

  protected override onFinish(slot: number): void {
    const req = this.requests[slot] as ExpressRequest
    // The route and mount path as they are when the response ends (Express resets them once a
    // router is left), read now and resolved to a template later, off the response path.
    this.#routes[slot] = req.route
    this.#baseUrls[slot] = req.baseUrl
    this.#apps[slot] = req.app
    this.#primaries[slot]!.recordSlot(this, slot)
    const others = this.#others[slot]
    if (others !== undefined) for (let i = 0; i < others.length; i++) others[i]!.recordSlot(this, slot)
  }

  /**
   * The client went away: before the response was handed over, or before its own request body
   * arrived whole (a response written afterwards, like body-parser's 400 for the aborted body,
   * counts as "finished" although it went nowhere).
   */
  protected override wasAborted(slot: number): boolean {
    return super.wasAborted(slot) || this.requests[slot]!.readableAborted === true
  }

  protected override url(slot: number): string | undefined {
    const req = this.requests[slot] as ExpressRequest
    return typeof req.originalUrl === "string" ? req.originalUrl : req.url
  }

  protected override route(slot: number): string | undefined {
    // Before the response ends (`req.sketchlog.datasetId` in a handler) the live values are read.
    if (this.isFinished(slot))
      return routeTemplate(this.#routes[slot], this.#baseUrls[slot], this.#apps[slot])
    const req = this.requests[slot] as ExpressRequest
    return routeTemplate(req.route, req.baseUrl, req.app)
  }

  protected override query(slot: number, _url: string | undefined, q: number): HttpQuery | undefined {
    const req = this.requests[slot] as ExpressRequest
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
  protected override responseSize(slot: number): number | undefined {
    const res = this.responses[slot]!
    if (res.getHeader("content-length") !== undefined) return undefined
    if (!res.headersSent) return undefined
    return this.#written[slot]! + byteLength(this.#endChunks[slot], this.#endEncodings[slot])
  }
}

/** Every request the `sketchlog()` middlewares of this copy of the package capture. */
export const expressCaptures = new ExpressCaptures()
