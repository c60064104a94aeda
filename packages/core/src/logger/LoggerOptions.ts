import type { Duration } from "effect"
import { optionNamesOf } from "../internal/optionNames.js"
import type { RetryPolicy } from "../platform/RetryPolicy.js"
import type { ColumnType } from "../profile/ColumnType.js"
import type { EmbeddingOptions } from "../profile/metrics/EmbeddingOptions.js"
import type { TimeGranularity } from "../profile/TimeBucket.js"
import type { SessionHandle } from "../session/SessionHandle.js"
import type { Writer } from "../writers/Writer.js"
import type { WriteSchedule } from "./WriteSchedule.js"

/** What happens to rows when the queue is full. */
export type OverflowPolicy = "block" | "drop"

/** Where the actor runs: on the caller's thread, or in a `worker_threads` worker. */
export type LoggerMode = "in-thread" | "worker"

/**
 * How one dataset is profiled. These can differ per dataset (`loggerOptions(datasetId)`); in worker
 * mode they cross to the worker, so they must be plain data.
 */
export interface DatasetOptions {
  /** The time bucket rows are aggregated into (default `"hour"`). */
  readonly aggregateBy?: TimeGranularity | undefined
  /** When profiles are written (default every 5 minutes); `null` writes only on `flush()` and `close()`. */
  readonly writeSchedule?: WriteSchedule | null | undefined
  /**
   * Write a dataset's first profile this long after its first row, once, then follow `writeSchedule`,
   * so the first file shows up without waiting for the schedule. Default `"10 seconds"` when the
   * logger writes local files of its own choosing (a local session, no `writers`, no store; the
   * adapters in local mode too) and a schedule, else `null`: uploads, stores, your writers and
   * `writeSchedule: null` keep to the schedule (or to flush and close) alone.
   */
  readonly firstWrite?: Duration.DurationInput | null | undefined
  /** Columns whose values pick the segment (default none). */
  readonly segmentOn?: ReadonlyArray<string> | undefined
  /** Segments per bucket before rows go to the overflow segment (default 200). */
  readonly maxSegments?: number | undefined
  /** The value every segment column takes in the overflow segment (default `"__overflow__"`). */
  readonly overflowValue?: string | undefined
  /** Declared column types (see `DatasetProfile`). */
  readonly schema?: Readonly<Record<string, ColumnType>> | undefined
  /** Columns per profile at most (default 1,000). */
  readonly maxColumns?: number | undefined
  /** Written to each profile's `properties.tags`. */
  readonly tags?: Readonly<Record<string, string>> | undefined
  /** Written to each profile's `properties.metadata`. */
  readonly metadata?: Readonly<Record<string, string>> | undefined
  /** Embedding columns: column → reference vectors, labels and distance (see `DatasetProfileOptions.embeddings`). */
  readonly embeddings?: Readonly<Record<string, EmbeddingOptions>> | undefined
}

/** Options of the worker thread (worker mode). */
export interface WorkerOptions {
  /** The caller thread posts its buffered rows this often (default 1 ms)… */
  readonly postEveryMillis?: number | undefined
  /** …or as soon as this many rows are buffered (default 2,000). */
  readonly postRows?: number | undefined
  /** Restarts after crashes before the logger gives up and closes (default 5). */
  readonly maxRestarts?: number | undefined
}

/** Options of a rolling logger (`createRollingLogger`, `RollingLogger.layer`). */
export interface RollingLoggerOptions extends DatasetOptions {
  /** The dataset of rows logged without one (default: the session's default dataset). */
  readonly datasetId?: string | undefined
  /**
   * Where profiles go. Default: a `WhyLabsWriter` when the session uploads (whylabs or anonymous),
   * else a `LocalWriter` to `profileDir` (profiles at `<profileDir>/<dataset>/…`).
   */
  readonly writers?: ReadonlyArray<Writer> | undefined
  /**
   * The folder of local profiles (the default `LocalWriter`'s) and of the outbox: this option, else
   * `SKETCHLOG_PROFILE_DIR`, else `./sketchlog-profiles`, relative to where the process was started
   * (`INIT_CWD` under npm or pnpm scripts), as for every sketchlog entry point.
   */
  readonly profileDir?: string | undefined
  /**
   * A profile store to write to instead of the default writers: a directory or `s3://bucket/prefix`
   * (with `@sketchlog/s3` installed), one object per profile and replica (`StoreWriter`). Default:
   * `SKETCHLOG_STORE` when set and no `writers` are given. Not with `writers` (add a `StoreWriter`
   * to them instead).
   */
  readonly store?: string | undefined
  /** Writers of one dataset (wins over `writers`); called once per dataset, on its first row. */
  readonly writerFactory?: ((datasetId: string) => ReadonlyArray<Writer>) | undefined
  /** Options of one dataset, over the logger's; called once per dataset, on its first row. */
  readonly loggerOptions?: ((datasetId: string) => DatasetOptions) | undefined
  /** `"block"` (default): back-pressure; `"drop"`: drop and count rows that do not fit. */
  readonly overflow?: OverflowPolicy | undefined
  /** Rows accepted but not yet profiled, at most (default 10,000). */
  readonly queueCapacity?: number | undefined
  /** Messages the actor takes per drain at most (default 256). */
  readonly batchSize?: number | undefined
  /** How long the actor waits for a drain to fill before profiling it (default 0: what is there). */
  readonly batchWindow?: Duration.DurationInput | undefined
  /** `"in-thread"` (default) or `"worker"`. */
  readonly mode?: LoggerMode | undefined
  /** Worker thread settings (worker mode). */
  readonly worker?: WorkerOptions | undefined
  /** Write retries before the outbox (default `RetryPolicy.writes`). */
  readonly retry?: Partial<RetryPolicy> | undefined
  /**
   * The outbox folder (default `<first LocalWriter's dir>/.outbox`, else `<profileDir>/.outbox`);
   * `false` disables it: a profile that fails after its retries is then reported lost
   * (`RowsDropped` with reason `write-failed`).
   */
  readonly outboxDir?: string | false | undefined
  /**
   * How long `close()` waits for writes; then writes still running are interrupted and their
   * profiles go to the outbox (default 30 s).
   */
  readonly closeTimeout?: Duration.DurationInput | undefined
}

/** Options of the Promise face, `createRollingLogger`. */
export interface CreateRollingLoggerOptions extends RollingLoggerOptions {
  /**
   * The session whose event channel the logger publishes to and that `WhyLabsWriter`s default to.
   * Default: the current session (`init()`), else a private local one.
   */
  readonly session?: SessionHandle | undefined
  /**
   * Close the logger when the process runs out of work (`process.on("beforeExit")`, default true),
   * so an unclosed logger's rows are still written when a script ends. It cannot help on
   * `process.exit()` or a signal: close the logger in your shutdown hook.
   */
  readonly closeOnExit?: boolean | undefined
}

/** Defaults of the options that have one. */
export const LoggerDefaults = {
  aggregateBy: "hour",
  writeSchedule: { cadence: "minute", interval: 5 },
  maxSegments: 200,
  overflowValue: "__overflow__",
  overflow: "block",
  queueCapacity: 10_000,
  batchSize: 256,
  batchWindow: 0,
  mode: "in-thread",
  closeTimeout: "30 seconds",
  postEveryMillis: 1,
  postRows: 2000,
  maxRestarts: 5,
  /** `firstWrite` in local mode (a local session, no store). */
  firstWriteLocal: "10 seconds",
} as const

/** Every option of one dataset (`loggerOptions(datasetId)` returns these). */
export const datasetOptionNames = optionNamesOf<DatasetOptions>()([
  "aggregateBy",
  "writeSchedule",
  "firstWrite",
  "segmentOn",
  "maxSegments",
  "overflowValue",
  "schema",
  "maxColumns",
  "tags",
  "metadata",
  "embeddings",
])

/** Every option of `RollingLogger.layer`. */
export const rollingLoggerOptionNames = optionNamesOf<RollingLoggerOptions>()([
  ...datasetOptionNames,
  "datasetId",
  "writers",
  "profileDir",
  "store",
  "writerFactory",
  "loggerOptions",
  "overflow",
  "queueCapacity",
  "batchSize",
  "batchWindow",
  "mode",
  "worker",
  "retry",
  "outboxDir",
  "closeTimeout",
])

/** Every option of `createRollingLogger`. */
export const createRollingLoggerOptionNames = optionNamesOf<CreateRollingLoggerOptions>()([
  ...rollingLoggerOptionNames,
  "session",
  "closeOnExit",
])

/** Every option of `worker`. */
export const workerOptionNames = optionNamesOf<WorkerOptions>()([
  "postEveryMillis",
  "postRows",
  "maxRestarts",
])
