import type { ServerResponse } from "node:http"

/** What the hooks report to: the capture of the request a response answers. */
export interface ResponseSink {
  /** Whether this request is being recorded (the hooks ignore it otherwise). */
  readonly watching: boolean
  /** The value given to `res.json` / `res.send(object)`. */
  responseBody: unknown
  /** Bytes passed to `res.write` (streamed bodies). */
  written: number
  /** The last chunk given to `res.end`, measured later only if nothing else says the size. */
  endChunk: unknown
  endEncoding: unknown
}

type Method = (this: ServerResponse, ...args: Array<unknown>) => unknown

const hooked = new WeakSet<object>()
/** The prototype of the last response seen (hooked, or found to have nothing to hook). */
let lastSeen: object | null = null

/** The capture of the request a response answers (`res.req.sketchlog`), when it is being watched. */
const sinkOf = (res: ServerResponse): ResponseSink | undefined => {
  const sink = (res.req as { sketchlog?: Partial<ResponseSink> } | undefined)?.sketchlog
  return sink?.watching === true ? (sink as ResponseSink) : undefined
}

/** The prototype in `res`'s chain that defines `name` itself. */
const ownerOf = (res: object, name: string): object | undefined => {
  for (let proto = Object.getPrototypeOf(res); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, name)) return proto
  }
  return undefined
}

/**
 * Hooks `json`, `write` and `end` once, on the prototype that defines `json` (Express's own
 * `express.response`, shared by every app and sub-app of that copy of Express, and below Node's
 * `ServerResponse.prototype`, so plain Node responses are untouched). A hook looks up the request's
 * capture (`res.req.sketchlog`) and, when there is none, only forwards the call. Hooking the prototype
 * rather than each response keeps the response path free of per-request closures and of new own
 * properties on `res` (which cost more than the whole profiling: V8 has to give every response its
 * own shape).
 */
export const hookResponses = (res: ServerResponse): void => {
  // Responses of one app share their prototype: the walk below runs once per prototype.
  const proto = Object.getPrototypeOf(res) as object | null
  if (proto === lastSeen) return
  lastSeen = proto
  const owner = ownerOf(res, "json") as Record<string, unknown> | undefined
  if (owner === undefined || hooked.has(owner)) return
  hooked.add(owner)
  const json = owner.json as Method
  const above = Object.getPrototypeOf(owner) as Record<string, Method>
  owner.json = function sketchlogJson(this: ServerResponse, ...args: Array<unknown>) {
    const sink = sinkOf(this)
    // Express 4 still accepts the deprecated `res.json(status, body)`.
    if (sink !== undefined)
      sink.responseBody = args.length > 1 && typeof args[0] === "number" ? args[1] : args[0]
    return json.apply(this, args)
  }
  // `write` and `end` are looked up above at each call, so a later patch of Node's own methods is kept.
  owner.write = function sketchlogWrite(this: ServerResponse, ...args: Array<unknown>) {
    const sink = sinkOf(this)
    if (sink !== undefined) sink.written += byteLength(args[0], args[1])
    return above.write!.apply(this, args)
  }
  owner.end = function sketchlogEnd(this: ServerResponse, ...args: Array<unknown>) {
    const sink = sinkOf(this)
    if (sink !== undefined && typeof args[0] !== "function") {
      sink.endChunk = args[0]
      sink.endEncoding = args[1]
    }
    return above.end!.apply(this, args)
  }
}

/** Bytes of a chunk given to `write`/`end` (strings in their encoding, default UTF-8). */
export const byteLength = (chunk: unknown, encoding: unknown): number => {
  if (typeof chunk === "string") {
    return Buffer.byteLength(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
  }
  if (chunk instanceof Uint8Array) return chunk.byteLength
  return 0
}
