import {
  type HttpProfiler,
  type HttpProfilerOptions,
  type JsonBody,
  readJsonBody as readJsonBodyFromClone,
  sharedHttpProfiler,
  type WebExchangeInput,
  webExchange,
} from "@sketchlog/core/adapter"
import { defaultBodyLimits, type HttpExchange } from "@sketchlog/core/http"
import type { AfterFunction } from "../afterResponse.js"
import { processState } from "../processState.js"
import { closeOnShutdownSignals } from "./shutdown.js"

/**
 * The Node.js-only half of the package, loaded on first use (see `loadNodePart.ts`): core's shared
 * profiler and Next.js's `after()`. The wrappers call these; none of them ever throws.
 */

let nextAfter: AfterFunction | undefined

/**
 * Resolves once Next.js's `after()` has been looked up: `next/server.js` (the `.js` spelling loads
 * under plain Node ESM too). Absent (no Next.js, or one without `after`), profiling falls back to
 * starting its work at once.
 */
export const prepared: Promise<void> = import("next/server.js").then(
  (server: { after?: unknown; default?: { after?: unknown } }) => {
    const after = server.after ?? server.default?.after
    if (typeof after === "function") nextAfter = after as AfterFunction
  },
  () => undefined,
)

/** Next.js's `after()`, once `prepared` has resolved, if this Next.js has one. */
export const after = (): AfterFunction | undefined => nextAfter

/**
 * The profiler a route profiles into: one of its own (by its options, from core's process-wide
 * registry), else the one `register()` opened, else the shared one with default options.
 */
export const profilerFor = (options: HttpProfilerOptions | undefined): HttpProfiler => {
  if (options !== undefined) return sharedHttpProfiler(options)
  const registered = processState().registered as HttpProfiler | undefined
  return registered !== undefined && registered.state !== "closed" ? registered : sharedHttpProfiler()
}

const reported = new Set<string>()

/**
 * Draws the sampling lot for a request that just arrived (false: do not capture it). A route whose
 * own `profiler` options are invalid is served unprofiled, and says why once.
 */
export const admit = (options: HttpProfilerOptions | undefined): boolean => {
  try {
    return profilerFor(options).admit()
  } catch (error) {
    const option = (error as { option?: unknown } | null)?.option
    const text = error instanceof Error ? error.message : String(error)
    const message = typeof option === "string" ? `${option}: ${text}` : text
    if (!reported.has(message)) {
      reported.add(message)
      console.error(`sketchlog: a route's profiler options are invalid, it is served unprofiled: ${message}`)
    }
    return false
  }
}

/** Reads a JSON body from a clone (core's `readJsonBody`); call it before the body is consumed. */
export const readJsonBody = (
  message: Request | Response,
  maxBytes: number | undefined,
): Promise<JsonBody | undefined> => readJsonBodyFromClone(message, maxBytes === undefined ? {} : { maxBytes })

/**
 * The body a handler gave to `Response.json`, with its size in bytes (its JSON text, as
 * `Response.json` wrote it; computed here, after the response): the value itself when it is within
 * `maxBytes` (default core's body limit), else only the size (the body then counts by size).
 */
export const jsonBodyOf = async (
  value: unknown,
  maxBytes: number | undefined,
): Promise<JsonBody | undefined> => {
  let bytes: number
  try {
    const text = JSON.stringify(value)
    if (typeof text !== "string") return undefined
    bytes = Buffer.byteLength(text)
  } catch {
    return undefined
  }
  return bytes <= (maxBytes ?? defaultBodyLimits.maxBodyBytes)
    ? { value, bytes }
    : { value: undefined, bytes }
}

/** Hands a finished fetch-style exchange to the profiler. */
export const recordWeb = (options: HttpProfilerOptions | undefined, input: WebExchangeInput): void => {
  try {
    profilerFor(options).record(webExchange(input))
  } catch {
    // A bad per-route option is reported where the route was wrapped; the request is not affected.
  }
}

/** Hands a finished exchange (built by the Pages Router wrapper) to the profiler. */
export const recordExchange = (options: HttpProfilerOptions | undefined, exchange: HttpExchange): void => {
  try {
    profilerFor(options).record(exchange)
  } catch {
    // As above.
  }
}

/**
 * `register()`'s work: opens the shared profiler for these options, makes it the process's default,
 * closes every profiler on SIGTERM/SIGINT, and waits until the session is resolved and the logger
 * runs (or has failed to: that is reported through `onError` and never thrown).
 */
export const openRegistration = async (options: HttpProfilerOptions): Promise<void> => {
  const profiler = sharedHttpProfiler(options)
  processState().registered = profiler
  closeOnShutdownSignals()
  await profiler.ready
}
