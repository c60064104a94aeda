import { HttpColumn, type HttpColumnName, SegmentableColumns } from "../http/HttpColumns.js"
import { HttpOptionsError } from "../http/HttpOptionsError.js"
import { createHttpRowMapper } from "../http/HttpRowMapper.js"
import { type HttpRowOptions, httpRowOptionNames } from "../http/HttpRowOptions.js"
import { firstUnknownOption, unknownOptionReason } from "../internal/optionNames.js"
import { type CreateRollingLoggerOptions, createRollingLoggerOptionNames } from "../logger/LoggerOptions.js"
import type { SessionHandle } from "../session/SessionHandle.js"
import type { SessionOptions } from "../session/SessionOptions.js"
import type { HttpProfilerError } from "./HttpProfilerError.js"

/**
 * Options of the rolling logger behind a profiler: time buckets, write schedule, writers, overload
 * policy, worker mode, … (see `createRollingLogger`). The dataset, the session and the segment
 * columns come from the profiler's own options.
 */
export type HttpProfilerLoggerOptions = Omit<
  CreateRollingLoggerOptions,
  "session" | "datasetId" | "segmentOn" | "loggerOptions" | "profileDir"
>

/** The names `logger` may hold. */
const loggerOptionNames = createRollingLoggerOptionNames.filter(
  (name) => !["session", "datasetId", "segmentOn", "loggerOptions", "profileDir"].includes(name),
)

/**
 * How an adapter profiles HTTP traffic: core/http's mapping options (`include`, `exclude`, `redact`,
 * `ignore`, `sampleRate`, `datasetId`, `segmentOn`, …) plus where the rows go.
 */
export interface HttpProfilerOptions extends HttpRowOptions {
  /**
   * The session to use: an open one, or a promise of one. Default: the current session (`init()`
   * already called), else `init(sessionOptions)` when `sessionOptions` is given, else
   * `defaultInit()` (which warns once when that resolves to a local session).
   */
  readonly session?: SessionHandle | Promise<SessionHandle> | undefined
  /** How to resolve a session when none is given or open (see `init`). */
  readonly sessionOptions?: SessionOptions | undefined
  /**
   * Where profiles go in local mode (`<dir>/<dataset>/`): this option, else `SKETCHLOG_PROFILE_DIR`,
   * else `./sketchlog-profiles`, relative to where the process was started (`INIT_CWD` under npm or
   * pnpm scripts), resolved when the profiler starts. In whylabs and anonymous mode the logger's
   * outbox lives here (`<dir>/.outbox`).
   */
  readonly profileDir?: string | undefined
  /**
   * A profile store to write to: `s3://bucket/prefix` (with `@sketchlog/s3` installed) or a
   * directory, one object per profile and replica, for a fleet of replicas (see `StoreWriter`).
   * Default: `SKETCHLOG_STORE` when set; `logger.writers`, when given, win over both.
   */
  readonly store?: string | undefined
  /** Options of the rolling logger (aggregation, schedule, writers, overflow, worker mode, …). */
  readonly logger?: HttpProfilerLoggerOptions | undefined
  /**
   * Called when profiling fails off the request path: the session cannot be resolved, the logger
   * cannot start or refuses rows. Default: one `sketchlog: …` line on stderr per kind of failure.
   * Requests are never affected.
   */
  readonly onError?: ((error: HttpProfilerError) => void) | undefined
}

const profilerOptionNames: ReadonlyArray<string> = [
  ...httpRowOptionNames,
  "session",
  "sessionOptions",
  "profileDir",
  "store",
  "logger",
  "onError",
]

const kindOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value

const check = (option: string, ok: boolean, expected: string, value: unknown): void => {
  if (!ok) throw new HttpOptionsError({ option, message: `expected ${expected}, got ${kindOf(value)}` })
}

/**
 * Checks a profiler's options: its own, then every mapping option (sampling included), so a typo
 * fails where the middleware is mounted. Throws `HttpOptionsError`.
 */
export const checkProfilerOptions = (options: HttpProfilerOptions): void => {
  if (typeof options !== "object" || options === null) {
    throw new HttpOptionsError({ option: "options", message: `expected an object, got ${kindOf(options)}` })
  }
  for (const key of Object.keys(options)) {
    if (!profilerOptionNames.includes(key))
      throw new HttpOptionsError({ option: key, message: unknownOptionReason(key, profilerOptionNames) })
  }
  const { session, sessionOptions, profileDir, store, logger, onError } = options
  const isObject = (value: unknown) => typeof value === "object" && value !== null
  if (session !== undefined) check("session", isObject(session), "a session or a promise of one", session)
  if (sessionOptions !== undefined)
    check("sessionOptions", isObject(sessionOptions), "an object", sessionOptions)
  if (profileDir !== undefined) {
    check("profileDir", typeof profileDir === "string" && profileDir !== "", "a non-empty string", profileDir)
  }
  if (store !== undefined) {
    const named = typeof store === "string" && store.trim() !== ""
    check("store", named, "a directory or an s3://bucket/prefix URL", store)
  }
  if (logger !== undefined) {
    check("logger", isObject(logger), "an object", logger)
    const unknown = firstUnknownOption(logger, loggerOptionNames)
    if (unknown !== undefined)
      throw new HttpOptionsError({ option: `logger.${unknown.option}`, message: unknown.reason })
  }
  if (onError !== undefined) check("onError", typeof onError === "function", "a function", onError)
  createHttpRowMapper(rowOptionsOf(options, true))
}

/**
 * The mapping options among the profiler's. Without `sampling`, `sampleRate` and `random` are left
 * out: `admit()` draws the lot when a request arrives, so the mapper must not draw again.
 */
export const rowOptionsOf = (options: HttpProfilerOptions, sampling: boolean): HttpRowOptions => {
  const picked: Record<string, unknown> = {}
  for (const name of httpRowOptionNames) {
    if (!sampling && (name === "sampleRate" || name === "random")) continue
    if (options[name] !== undefined) picked[name] = options[name]
  }
  return picked as HttpRowOptions
}

/** The segment columns as the rows spell them (`route` → `http.route`). */
export const segmentColumnsOf = (
  segmentOn: ReadonlyArray<string> | undefined,
): ReadonlyArray<HttpColumnName> =>
  segmentOn === undefined
    ? [HttpColumn.route, HttpColumn.method]
    : segmentOn.map((c) => SegmentableColumns[c]!)
