import type { IncomingMessage, ServerResponse } from "node:http"

/** What the hooks report to: the slot of the request a response answers. */
export interface ResponseNotes {
  /** The slot of a request being captured, or -1 (the hooks then only forward the call). */
  slotOf(req: IncomingMessage | undefined): number
  /** Whether the slot's response is still under way. */
  isOpen(slot: number): boolean
  /** The value given to `res.json` / `res.send(object)`. */
  setResponseBody(slot: number, body: unknown): void
  /** Bytes passed to `res.write` (streamed bodies). */
  noteWrite(slot: number, bytes: number): void
  /** The last chunk given to `res.end`, measured later only if nothing else says the size. */
  noteEnd(slot: number, chunk: unknown, encoding: unknown): void
}

type Method = (this: ServerResponse, ...args: Array<unknown>) => unknown

const hooked = new WeakSet<object>()
/** The prototype of the last response seen (hooked, or found to have nothing to hook). */
let lastSeen: object | null = null

/** The open slot of the request a response answers, or -1. */
const openSlot = (notes: ResponseNotes, res: ServerResponse): number => {
  const slot = notes.slotOf(res.req)
  return slot >= 0 && notes.isOpen(slot) ? slot : -1
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
 * slot (from `res.req`) and, when there is none, only forwards the call. Hooking the prototype
 * rather than each response keeps the response path free of per-request closures and of new own
 * properties on `res` (which cost more than the whole profiling: V8 has to give every response its
 * own shape).
 */
export const hookResponses = (res: ServerResponse, notes: ResponseNotes): void => {
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
    const slot = openSlot(notes, this)
    // Express 4 still accepts the deprecated `res.json(status, body)`.
    if (slot >= 0)
      notes.setResponseBody(slot, args.length > 1 && typeof args[0] === "number" ? args[1] : args[0])
    return json.apply(this, args)
  }
  // `write` and `end` are looked up above at each call, so a later patch of Node's own methods is kept.
  owner.write = function sketchlogWrite(this: ServerResponse, ...args: Array<unknown>) {
    const slot = openSlot(notes, this)
    if (slot >= 0) notes.noteWrite(slot, byteLength(args[0], args[1]))
    return above.write!.apply(this, args)
  }
  owner.end = function sketchlogEnd(this: ServerResponse, ...args: Array<unknown>) {
    const slot = openSlot(notes, this)
    if (slot >= 0 && typeof args[0] !== "function") notes.noteEnd(slot, args[0], args[1])
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
