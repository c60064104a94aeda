import type { IncomingMessage } from "node:http"
import type { Row, SessionHandle } from "@sketchlog/core"
import { type HttpProfiler, HttpProfilerError } from "@sketchlog/core/adapter"
import type { RequestSketchlog } from "../RequestSketchlog.js"
import { expressCaptures } from "./ExpressCaptures.js"

/**
 * `req.sketchlog` of one request, made when a handler reads it (not per request). It speaks for the
 * profiler of the first middleware that captured the request; on a request no profiler captured
 * (`sampleRate` left it out, or the profiler was closed) for `fallback`, the first open profiler.
 */
class RequestFace implements RequestSketchlog {
  readonly #req: IncomingMessage
  readonly #fallback: () => HttpProfiler | undefined

  constructor(req: IncomingMessage, fallback: () => HttpProfiler | undefined) {
    this.#req = req
    this.#fallback = fallback
  }

  get session(): SessionHandle | undefined {
    return this.#profiler()?.session
  }

  get datasetId(): string {
    const slot = expressCaptures.slotOf(this.#req)
    if (slot >= 0) return expressCaptures.primaryOf(slot).datasetFor(expressCaptures.exchangeAt(slot))
    return this.#fallback()?.defaultDatasetId ?? "default"
  }

  log(row: Row): Promise<void> {
    const slot = expressCaptures.slotOf(this.#req)
    if (slot >= 0) {
      const profiler = expressCaptures.primaryOf(slot)
      const exchange = expressCaptures.exchangeAt(slot)
      return profiler.log(row, { datasetId: profiler.datasetFor(exchange), exchange })
    }
    const profiler = this.#fallback()
    if (profiler === undefined) {
      return Promise.reject(new HttpProfilerError({ reason: "the profiler is closed" }))
    }
    return profiler.log(row)
  }

  #profiler(): HttpProfiler | undefined {
    const slot = expressCaptures.slotOf(this.#req)
    return slot >= 0 ? expressCaptures.primaryOf(slot) : this.#fallback()
  }
}

const faced = new WeakSet<object>()
/** The prototype of the last request seen (given the getter, or found to have no place for it). */
let lastSeen: object | null = null

/**
 * Gives Express's requests `req.sketchlog` as a getter on the prototype that defines `header`
 * (Express's own `express.request`, shared by every app of that copy of Express, below Node's
 * `IncomingMessage.prototype`, so plain Node requests are untouched): no property is added to each
 * request, which would give every request object its own hidden class. Assigning `req.sketchlog`
 * still works (it becomes the request's own property).
 */
export const faceRequests = (req: IncomingMessage, fallback: () => HttpProfiler | undefined): void => {
  const proto = Object.getPrototypeOf(req) as object | null
  if (proto === lastSeen) return
  lastSeen = proto
  let owner: object | null = proto
  while (owner !== null && !Object.hasOwn(owner, "header"))
    owner = Object.getPrototypeOf(owner) as object | null
  if (owner === null || faced.has(owner)) return
  faced.add(owner)
  Object.defineProperty(owner, "sketchlog", {
    configurable: true,
    enumerable: false,
    get(this: IncomingMessage): RequestSketchlog {
      return new RequestFace(this, fallback)
    },
    set(this: IncomingMessage, value: unknown) {
      Object.defineProperty(this, "sketchlog", {
        value,
        writable: true,
        configurable: true,
        enumerable: true,
      })
    },
  })
}
