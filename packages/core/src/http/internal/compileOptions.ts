import { unknownOptionReason } from "../../internal/optionNames.js"
import { HttpColumn, type HttpColumnName, headerPresenceColumn, SegmentableColumns } from "../HttpColumns.js"
import type { HttpExchange } from "../HttpExchange.js"
import { HttpOptionsError } from "../HttpOptionsError.js"
import {
  defaultBodyLimits,
  defaultRedactions,
  defaultRequestHeaders,
  defaultResponseHeaders,
  type HttpBodyLimits,
  type HttpFieldPattern,
  type HttpRedaction,
  type HttpRowOptions,
  httpRowOptionNames,
} from "../HttpRowOptions.js"
import { canonicalString } from "./canonicalString.js"
import { compileFieldPatterns, matchesAny } from "./fieldPattern.js"
import type { FieldPolicy } from "./fieldTree.js"
import { nameWords, Redactor } from "./redaction.js"

/** A watched header: its lower-case name and its presence column. */
export interface WatchedHeader {
  readonly name: string
  readonly column: string
}

/** Options checked and turned into what the hot path reads directly. */
export interface CompiledOptions {
  readonly ignore: ((exchange: HttpExchange) => boolean) | undefined
  readonly sampleRate: number
  readonly random: () => number
  readonly datasetId: string | ((exchange: HttpExchange) => string | undefined) | undefined
  readonly segmentOn: ReadonlyArray<HttpColumnName>
  readonly requestHeaders: ReadonlyArray<WatchedHeader>
  readonly responseHeaders: ReadonlyArray<WatchedHeader>
  readonly queryValues: boolean
  readonly limits: Required<HttpBodyLimits>
  readonly fields: FieldPolicy
  /** Whether each fixed column is kept (not excluded). */
  readonly keep: Readonly<Record<keyof typeof HttpColumn, boolean>>
}

const OPTION_KEYS: ReadonlySet<string> = new Set(httpRowOptionNames)

/** Bounds of each limit: small enough that a mistaken value cannot make the per-request work unbounded. */
const LIMIT_BOUNDS: Readonly<Record<keyof HttpBodyLimits, readonly [number, number]>> = {
  maxDepth: [1, 64],
  maxFields: [1, 10_000],
  maxStringLength: [1, 65_536],
  maxBodyChars: [0, 16 * 1024 * 1024],
  maxBodyBytes: [0, Number.MAX_SAFE_INTEGER],
  maxKeyLength: [1, 1024],
  arrayItems: [0, 64],
  maxColumnsPerRoute: [1, 1_000_000],
  maxRoutes: [1, 1_000_000],
}

/** A usable dataset id: 1 to 256 characters (the writers decide further what a path may hold). */
export const isDatasetId = (value: unknown): value is string =>
  typeof value === "string" && value.length > 0 && value.length <= 256

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/

const fail = (option: string, message: string): never => {
  throw new HttpOptionsError({ option, message })
}

/** How a value is described in an error: its type only, never the value (it could be a secret). */
const kind = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "an array"
      : value instanceof RegExp
        ? "a RegExp"
        : typeof value

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const patternList = (option: string, value: unknown): ReadonlyArray<HttpFieldPattern> => {
  if (value === undefined) return []
  const list = Array.isArray(value) ? value : [value]
  list.forEach((entry, i) => {
    const at = Array.isArray(value) ? `${option}[${i}]` : option
    if (typeof entry === "string") {
      if (entry.length === 0 || entry.split(".").some((s) => s.length === 0)) {
        fail(at, "expected a column glob with no empty segment, like `request.body.user.*`")
      }
    } else if (!(entry instanceof RegExp)) {
      fail(at, `expected a glob string or a RegExp, got ${kind(entry)}`)
    }
  })
  return list as ReadonlyArray<HttpFieldPattern>
}

const redactionList = (option: string, value: unknown): ReadonlyArray<HttpRedaction> | undefined => {
  if (value === undefined) return undefined
  if (!Array.isArray(value))
    return fail(option, `expected an array of strings or RegExps, got ${kind(value)}`)
  value.forEach((entry, i) => {
    if (typeof entry === "string") {
      if (nameWords(entry).length === 0)
        fail(`${option}[${i}]`, "expected a name with at least one letter or digit")
    } else if (!(entry instanceof RegExp)) {
      fail(`${option}[${i}]`, `expected a string or a RegExp, got ${kind(entry)}`)
    }
  })
  return value as ReadonlyArray<HttpRedaction>
}

const headerList = (
  option: string,
  value: unknown,
  defaults: ReadonlyArray<string>,
): ReadonlyArray<string> => {
  if (value === undefined) return defaults
  if (!Array.isArray(value)) return fail(option, `expected an array of header names, got ${kind(value)}`)
  const seen = new Set<string>()
  value.forEach((entry, i) => {
    if (typeof entry !== "string" || !HEADER_NAME.test(entry)) {
      fail(`${option}[${i}]`, "expected a header name (letters, digits and -, at most 128 characters)")
    }
    const lower = (entry as string).toLowerCase()
    if (seen.has(lower)) fail(`${option}[${i}]`, "this header is listed twice")
    seen.add(lower)
  })
  return [...seen]
}

const compileLimits = (value: unknown): Required<HttpBodyLimits> => {
  if (value === undefined) return defaultBodyLimits
  if (!isRecord(value)) return fail("limits", `expected an object, got ${kind(value)}`)
  const limits: Record<string, number> = { ...defaultBodyLimits }
  for (const key of Object.keys(value)) {
    const bounds = (LIMIT_BOUNDS as Record<string, readonly [number, number]>)[key]
    if (bounds === undefined || !Object.hasOwn(LIMIT_BOUNDS, key))
      fail(`limits.${key}`, unknownOptionReason(key, Object.keys(LIMIT_BOUNDS), "limit"))
    const n = value[key]
    if (n === undefined) continue
    const [min, max] = bounds!
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      fail(
        `limits.${key}`,
        `expected an integer from ${min} to ${max}, got ${kind(n)}${typeof n === "number" ? ` ${n}` : ""}`,
      )
    }
    limits[key] = n as number
  }
  return limits as Required<HttpBodyLimits>
}

const compileSegmentOn = (value: unknown): ReadonlyArray<HttpColumnName> => {
  if (value === undefined) return [HttpColumn.route, HttpColumn.method]
  if (!Array.isArray(value)) return fail("segmentOn", `expected an array of column names, got ${kind(value)}`)
  const out: Array<HttpColumnName> = []
  value.forEach((entry, i) => {
    const column =
      typeof entry === "string" && Object.hasOwn(SegmentableColumns, entry)
        ? SegmentableColumns[entry]
        : undefined
    if (column === undefined) {
      fail(
        `segmentOn[${i}]`,
        "expected one of route, method, status, status_class, error, aborted (or their http.* column names); " +
          "other columns have client-chosen values and would make unbounded segments",
      )
    }
    if (out.includes(column!)) fail(`segmentOn[${i}]`, "this column is listed twice")
    out.push(column!)
  })
  return out
}

/**
 * Checks every option and compiles patterns, redaction words and limits once, so mapping a request
 * does no parsing. Throws `HttpOptionsError` naming the first bad option.
 */
export const compileOptions = (options: HttpRowOptions | undefined): CompiledOptions => {
  if (options === undefined) options = {}
  if (!isRecord(options)) return fail("options", `expected an object, got ${kind(options)}`)
  const raw = options as Record<string, unknown>
  for (const key of Object.keys(raw))
    if (!OPTION_KEYS.has(key)) fail(key, unknownOptionReason(key, httpRowOptionNames))

  const include = patternList("include", raw.include)
  const exclude = compileFieldPatterns(patternList("exclude", raw.exclude))
  const redact = redactionList("redact", raw.redact) ?? defaultRedactions
  const alsoRedact = redactionList("alsoRedact", raw.alsoRedact) ?? []

  if (raw.ignore !== undefined && typeof raw.ignore !== "function") {
    fail("ignore", `expected a function (exchange) => boolean, got ${kind(raw.ignore)}`)
  }
  const sampleRate = raw.sampleRate ?? 1
  if (typeof sampleRate !== "number" || !(sampleRate >= 0 && sampleRate <= 1)) {
    fail("sampleRate", `expected a number from 0 to 1, got ${kind(sampleRate)}`)
  }
  const random = raw.random ?? Math.random
  if (typeof random !== "function") fail("random", `expected a function () => number, got ${kind(random)}`)
  const datasetId = raw.datasetId
  if (datasetId !== undefined && typeof datasetId !== "function") {
    if (typeof datasetId !== "string")
      fail("datasetId", `expected a string or a function, got ${kind(datasetId)}`)
    if (!isDatasetId(datasetId)) fail("datasetId", "expected 1 to 256 characters")
  }
  const segmentOn = compileSegmentOn(raw.segmentOn)
  const queryValues = raw.queryValues ?? false
  if (typeof queryValues !== "boolean") fail("queryValues", `expected a boolean, got ${kind(queryValues)}`)
  const limits = compileLimits(raw.limits)

  const kept = (column: string) => !matchesAny(exclude, column)
  const watched = (
    side: "request" | "response",
    names: ReadonlyArray<string>,
  ): ReadonlyArray<WatchedHeader> =>
    names
      .map((name) => ({ name, column: canonicalString(headerPresenceColumn(side, name)) }))
      .filter((h) => kept(h.column))
  const keep = Object.fromEntries(
    Object.entries(HttpColumn).map(([key, column]) => [key, kept(column)]),
  ) as Record<keyof typeof HttpColumn, boolean>
  for (const column of segmentOn) {
    if (!kept(column)) fail("segmentOn", `segments on ${column}, which \`exclude\` removes from the row`)
  }

  return {
    ignore: raw.ignore as CompiledOptions["ignore"],
    sampleRate: sampleRate as number,
    random: random as () => number,
    datasetId: datasetId as CompiledOptions["datasetId"],
    segmentOn,
    requestHeaders: watched(
      "request",
      headerList("requestHeaders", raw.requestHeaders, defaultRequestHeaders),
    ),
    responseHeaders: watched(
      "response",
      headerList("responseHeaders", raw.responseHeaders, defaultResponseHeaders),
    ),
    queryValues: queryValues as boolean,
    limits,
    keep,
    fields: {
      redactor: new Redactor([...redact, ...alsoRedact]),
      include: include.length === 0 ? undefined : compileFieldPatterns(include),
      exclude,
      maxKeyLength: limits.maxKeyLength,
      maxColumnsPerRoute: limits.maxColumnsPerRoute,
      maxRoutes: limits.maxRoutes,
    },
  }
}
