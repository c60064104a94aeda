import type { HttpRowOptions } from "../http/HttpRowOptions.js"
import type { CreateRollingLoggerOptions } from "../logger/LoggerOptions.js"
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
  "session" | "datasetId" | "segmentOn" | "loggerOptions"
>

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
   * Where profiles go in local mode: this option, else `SKETCHLOG_PROFILE_DIR`, else
   * `./sketchlog-profiles` (resolved against the working directory when the profiler starts). In
   * whylabs and anonymous mode the logger's outbox lives here (`<dir>/.outbox`).
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
