import { OtherMethod, UnmatchedRoute } from "../HttpColumns.js"
import { boundedString } from "./boundedString.js"

const STANDARD_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
const METHODS = new Map<string, string>()
for (const m of STANDARD_METHODS) {
  METHODS.set(m, m)
  METHODS.set(m.toLowerCase(), m)
}

/**
 * The method column: a standard method, upper-cased, or `"(other)"`. Custom methods are the client's
 * choice, so letting them through would let a client mint segments.
 */
export const methodName = (method: unknown): string =>
  (typeof method === "string" ? METHODS.get(method) : undefined) ?? OtherMethod

/** Longest route template kept; templates are the application's, but adapters may pass odd ones. */
const MAX_ROUTE_LENGTH = 256

/** The route column: the template, or a fixed name when no route matched (the raw path is never used). */
export const routeName = (route: unknown, status: number | null): string => {
  if (typeof route === "string" && route.length > 0) {
    return route.length > MAX_ROUTE_LENGTH ||
      !(route as unknown as { isWellFormed(): boolean }).isWellFormed()
      ? boundedString(route, MAX_ROUTE_LENGTH)
      : route
  }
  return status === 404 ? UnmatchedRoute.notFound : UnmatchedRoute.unrouted
}

/** The status when it is a real HTTP status code (100–599), else null. */
export const statusCode = (status: unknown): number | null =>
  typeof status === "number" && Number.isInteger(status) && status >= 100 && status <= 599 ? status : null

const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"]

/** `"2xx"` and so on for a valid status, null otherwise. */
export const statusClass = (status: number | null): string | null =>
  status === null ? null : STATUS_CLASSES[Math.floor(status / 100) - 1]!

/** A duration when it is a finite, non-negative number of milliseconds, else null. */
export const durationMs = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null

const CLASS_NAME = /^[A-Za-z_$][\w$]{0,63}$/

/**
 * The error column: the class name of what the handler threw, never its message. Names are read from
 * the constructor (an error's own `name` property can be set to anything, a message included) and must
 * look like an identifier; a thrown non-object is named by its type (`"(string)"`), never by its value.
 */
export const errorName = (error: unknown): string | null => {
  if (error === undefined || error === null) return null
  if (typeof error !== "object" && typeof error !== "function") return `(${typeof error})`
  try {
    const ctor = (error as { constructor?: unknown }).constructor
    const name = typeof ctor === "function" ? ctor.name : undefined
    return typeof name === "string" && CLASS_NAME.test(name) ? name : "(anonymous)"
  } catch {
    return "(unreadable)"
  }
}

/** The exchange's time in epoch milliseconds, or `now` when it gives none that is valid. */
export const timestampMs = (value: unknown, now: () => number): number => {
  if (typeof value === "number" && Number.isFinite(value)) return value
  if (value instanceof Date) {
    const t = value.getTime()
    if (Number.isFinite(t)) return t
  }
  return now()
}
