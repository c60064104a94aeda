/**
 * The values handlers give to `Response.json` (and so to `NextResponse.json`, which builds on it),
 * kept by the body stream of the response made from them. A wrapped route whose response has such a
 * body profiles that value directly, as Express profiles what `res.json` was given, instead of
 * cloning the response (a `tee()` of its stream) and parsing the copy, which cost more than everything
 * else the wrapper does. `NextResponse.json` hands the same stream to the response it returns, so the
 * stream, not the response, is the key.
 */

interface JsonBodies {
  readonly values: WeakMap<object, unknown>
}

/** Shared by every copy of this module in the process (Next.js bundles each route separately). */
const KEY = Symbol.for("sketchlog.next.responseJson")

type StaticJson = (this: unknown, data: unknown, init?: ResponseInit) => Response

/**
 * Starts watching `Response.json` (once per process): the patched method calls the original and
 * remembers the value by the response's body stream. Does nothing where `Response.json` is missing.
 */
export const watchResponseJson = (): void => {
  const global = globalThis as { [KEY]?: JsonBodies }
  if (global[KEY] !== undefined) return
  const bodies: JsonBodies = { values: new WeakMap() }
  global[KEY] = bodies
  const ResponseClass = globalThis.Response as unknown as { json?: StaticJson } | undefined
  const original = ResponseClass?.json
  if (ResponseClass === undefined || typeof original !== "function") return
  const json: StaticJson = function json(this: unknown, data: unknown, init?: ResponseInit): Response {
    const response = original.call(this, data, init)
    try {
      const body = response.body
      if (body !== null && typeof body === "object") bodies.values.set(body, data)
    } catch {
      // A response whose body cannot be read here is profiled as before (from a clone).
    }
    return response
  }
  Object.defineProperty(ResponseClass, "json", { value: json, writable: true, configurable: true })
}

/**
 * The value given to `Response.json` for this response, or undefined when it was not made that way
 * (or its body was replaced or read since).
 */
export const jsonGivenTo = (response: Response): { readonly value: unknown } | undefined => {
  const bodies = (globalThis as { [KEY]?: JsonBodies })[KEY]
  if (bodies === undefined) return undefined
  try {
    const body = response.body
    if (body === null || typeof body !== "object" || response.bodyUsed) return undefined
    return bodies.values.has(body) ? { value: bodies.values.get(body) } : undefined
  } catch {
    return undefined
  }
}
