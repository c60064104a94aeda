import type { IncomingMessage, ServerResponse } from "node:http"
import type { HttpExchange, HttpHeaderRecord, HttpQuery } from "../http/HttpExchange.js"
import type { ExchangeSlots } from "./ExchangeSlots.js"

/** Slot states. */
const FREE = 0
const OPEN = 1
const FINISHED = 2

/**
 * The requests a Node server (`IncomingMessage`/`ServerResponse`: Express, Nest on Express or Fastify)
 * is capturing, one numbered slot each in parallel arrays: no object, closure or property per request.
 * A request's slot is found from its `IncomingMessage` (a `Map`, which gives the request no new hidden
 * class, unlike a property). The response path stores references and numbers only; the `HttpExchange`
 * is built by `exchangeAt` after the response is out, when a profiler maps it, and the slot's
 * references are cleared as soon as every profiler that recorded it has released it.
 *
 * A framework package extends it with arrays of its own (a route template, what its framework
 * reports), sets them in `opened`, clears them in `cleared`, and hands the slot to its profiler(s) in
 * `onFinish` (`recordSlot`, or `exclude`). Slots grow with the requests in flight and in batches, and
 * are reused; one instance serves every request of a process (or of a framework package).
 */
export abstract class NodeCaptureSlots implements ExchangeSlots {
  readonly #slots = new Map<IncomingMessage, number>()
  readonly #free: Array<number> = []
  #count = 0
  protected readonly requests: Array<IncomingMessage | undefined> = []
  protected readonly responses: Array<ServerResponse | undefined> = []
  /** The body the application sent (`res.json`, Nest's reply), as a value. */
  protected readonly responseBodies: Array<unknown> = []
  /** What the request's handlers threw. */
  protected readonly errors: Array<unknown> = []
  /** When the request arrived, epoch ms; then its duration once finished (`performance.now()` based). */
  readonly #startedAt: Array<number> = []
  readonly #start: Array<number> = []
  readonly #duration: Array<number> = []
  /** FREE, OPEN or FINISHED. */
  readonly #state: Array<number> = []
  readonly #aborted: Array<boolean> = []
  /** Profilers holding the slot (recorded it and have not mapped it yet). */
  readonly #holds: Array<number> = []
  /**
   * The exchange `exchangeAt(slot, true)` writes into, with every field present from the start (one
   * hidden class). Its references go when a slot is released (the mapping of the exchange is done).
   */
  readonly #scratch = {
    method: "",
    route: undefined as string | undefined,
    path: undefined as string | undefined,
    status: 0,
    durationMs: 0,
    timestamp: 0,
    request: { headers: undefined as HttpHeaderRecord | undefined, body: undefined as unknown },
    response: {
      headers: undefined as HttpHeaderRecord | undefined,
      body: undefined as unknown,
      size: undefined as number | undefined,
    },
    query: undefined as HttpQuery | undefined,
    error: undefined as unknown,
    aborted: false,
  }

  /** Requests in flight or waiting to be mapped (for tests and status). */
  get inUse(): number {
    return this.#slots.size
  }

  /** Opens a slot for a request that just arrived and returns it. */
  protected open(req: IncomingMessage, res: ServerResponse): number {
    const slot = this.#free.pop() ?? this.#count++
    this.#slots.set(req, slot)
    this.requests[slot] = req
    this.responses[slot] = res
    this.responseBodies[slot] = undefined
    this.errors[slot] = undefined
    this.#startedAt[slot] = Date.now()
    this.#start[slot] = performance.now()
    this.#duration[slot] = 0
    this.#state[slot] = OPEN
    this.#aborted[slot] = false
    this.#holds[slot] = 0
    this.opened(slot)
    return slot
  }

  /** The slot of `req`, or -1 when it is not being captured (or its slot was released). */
  slotOf(req: IncomingMessage | undefined): number {
    return req === undefined ? -1 : (this.#slots.get(req) ?? -1)
  }

  /** Whether `slot` is open (its response has not finished). */
  isOpen(slot: number): boolean {
    return this.#state[slot] === OPEN
  }

  /** Whether `slot` has finished (its timing is frozen). */
  isFinished(slot: number): boolean {
    return this.#state[slot] === FINISHED
  }

  /** Notes the body the application sent. */
  setResponseBody(slot: number, body: unknown): void {
    this.responseBodies[slot] = body
  }

  /** Notes what a handler threw (the first error kept). */
  setError(slot: number, error: unknown): void {
    if (this.errors[slot] === undefined) this.errors[slot] = error
  }

  errorAt(slot: number): unknown {
    return this.errors[slot]
  }

  /**
   * Called once, on the response's `close`: freezes the timing, has `onFinish` hand the slot over, and
   * frees it at once when no profiler kept it.
   */
  finish(slot: number): void {
    if (this.#state[slot] !== OPEN) return
    this.#state[slot] = FINISHED
    this.#duration[slot] = performance.now() - this.#start[slot]!
    this.#aborted[slot] = this.wasAborted(slot)
    try {
      this.onFinish(slot)
    } finally {
      if (this.#holds[slot] === 0) this.#clear(slot)
    }
  }

  hold(slot: number): void {
    this.#holds[slot]!++
  }

  release(slot: number): void {
    this.#dropScratch()
    if (--this.#holds[slot]! <= 0 && this.#state[slot] === FINISHED) this.#clear(slot)
  }

  /**
   * The exchange, built after the response is out (or live, before). Reads only; never throws on odd
   * values. With `reuse`, written into `#scratch` (see `ExchangeSlots.exchangeAt`).
   */
  exchangeAt(slot: number, reuse = false): HttpExchange {
    const request = this.requests[slot]!
    const url = this.url(slot)
    const q = url?.indexOf("?") ?? -1
    if (reuse) {
      const x = this.#scratch
      x.method = request.method ?? ""
      x.route = this.route(slot)
      x.path = q === -1 ? url : url!.slice(0, q)
      x.status = this.status(slot)
      x.durationMs = this.#duration[slot]!
      x.timestamp = this.#startedAt[slot]!
      x.request.headers = request.headers
      x.request.body = this.requestBody(slot)
      x.response.headers = this.responseHeaders(slot)
      x.response.body = this.responseBodies[slot]
      x.response.size = this.responseSize(slot)
      x.query = this.query(slot, url, q)
      x.error = this.errors[slot]
      x.aborted = this.#aborted[slot]!
      return x
    }
    return {
      method: request.method ?? "",
      route: this.route(slot),
      path: q === -1 ? url : url!.slice(0, q),
      status: this.status(slot),
      durationMs: this.#duration[slot]!,
      timestamp: this.#startedAt[slot]!,
      request: { headers: request.headers, body: this.requestBody(slot) },
      response: {
        headers: this.responseHeaders(slot),
        body: this.responseBodies[slot],
        size: this.responseSize(slot),
      },
      query: this.query(slot, url, q),
      error: this.errors[slot],
      aborted: this.#aborted[slot]!,
    }
  }

  /** Sets the framework's own arrays for a new slot. */
  protected abstract opened(slot: number): void

  /** Drops the framework's own references of a slot being freed. */
  protected abstract cleared(slot: number): void

  /** Hands the finished slot to its profiler(s) (`recordSlot`, or `exclude`). */
  protected abstract onFinish(slot: number): void

  /** The route template (`/items/:id`), never the raw path. */
  protected abstract route(slot: number): string | undefined

  /** Whether the response never reached the client whole. */
  protected wasAborted(slot: number): boolean {
    return !this.responses[slot]!.writableFinished
  }

  /** The request URL, query string included. */
  protected url(slot: number): string | undefined {
    return this.requests[slot]!.url
  }

  protected status(slot: number): number {
    return this.responses[slot]!.statusCode
  }

  /** The parsed request body, when a body parser left one on the request. */
  protected requestBody(slot: number): unknown {
    return (this.requests[slot] as { readonly body?: unknown }).body
  }

  protected responseHeaders(slot: number): HttpHeaderRecord {
    return this.responses[slot]!.getHeaders()
  }

  /** Bytes of the response body when `content-length` does not say it (core reads that itself). */
  protected responseSize(_slot: number): number | undefined {
    return undefined
  }

  /** The query of `url` (`q`: where its `?` is, or -1). */
  protected query(_slot: number, url: string | undefined, q: number): HttpQuery | undefined {
    return q === -1 ? undefined : new URLSearchParams(url!.slice(q + 1))
  }

  /** Lets go of what the reused exchange refers to: nothing of a request outlives its mapping. */
  #dropScratch(): void {
    const x = this.#scratch
    x.request.headers = undefined
    x.request.body = undefined
    x.response.headers = undefined
    x.response.body = undefined
    x.query = undefined
    x.error = undefined
  }

  /** Frees a slot: its references go at once, so nothing of the request outlives its mapping. */
  #clear(slot: number): void {
    const req = this.requests[slot]
    if (req !== undefined && this.#slots.get(req) === slot) this.#slots.delete(req)
    this.requests[slot] = undefined
    this.responses[slot] = undefined
    this.responseBodies[slot] = undefined
    this.errors[slot] = undefined
    this.#state[slot] = FREE
    this.cleared(slot)
    this.#free.push(slot)
  }
}
