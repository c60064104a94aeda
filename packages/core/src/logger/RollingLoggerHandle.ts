import { join, sep } from "node:path"
import { inspect } from "node:util"
import { Cause, Context, Effect, Exit, Layer, ManagedRuntime } from "effect"
import { firstUnknownOption } from "../internal/optionNames.js"
import { consoleLoggerLayer, errorOf, settle } from "../node/promiseRuntime.js"
import type { Row } from "../profile/DatasetProfile.js"
import { noticeLocalMode } from "../session/LocalModeNotice.js"
import { Session } from "../session/Session.js"
import type { SessionEvent } from "../session/SessionEvent.js"
import { getCurrentSession } from "../session/SessionInit.js"
import type { ColumnarRows } from "./ColumnarRows.js"
import type { FlushResult } from "./FlushResult.js"
import { makeRollingLogger, type RollingLoggerEngine } from "./internal/makeRollingLogger.js"
import { describeLocalWrites } from "./LocalWritesNotice.js"
import { LoggerClosedError, LoggerOptionsError } from "./LoggerError.js"
import { type CreateRollingLoggerOptions, createRollingLoggerOptionNames } from "./LoggerOptions.js"
import type { LoggerStatus } from "./LoggerStatus.js"
import type { LogOptions, LogRequestInput, RollingLoggerService } from "./RollingLoggerService.js"

class Engine extends Context.Tag("@sketchlog/core/RollingLogger/Engine")<Engine, RollingLoggerEngine>() {}

const timestampOf = (timestamp: number | Date | undefined): number =>
  timestamp === undefined
    ? Date.now()
    : typeof timestamp === "number"
      ? timestamp
      : timestamp instanceof Date
        ? timestamp.getTime()
        : Number.NaN

/**
 * The Promise face of a rolling logger, from `createRollingLogger(options)`.
 *
 * `log(row)` is fire-and-forget and returns at once with a promise: already resolved when the row was
 * taken (queued, or in drop mode dropped and counted; no promise is allocated for it), pending in
 * block mode while the queue is full, until the row is queued (await it to apply back-pressure; rows
 * you do not await are held until there is room). After `close()` the promise rejects with
 * `LoggerClosedError`; that rejection never counts as unhandled, so a forgotten promise cannot crash
 * the process. Awaiting `log()` never waits for profiling or writing unless you pass `sync`.
 */
export class RollingLoggerHandle implements AsyncDisposable {
  readonly #runtime: ManagedRuntime.ManagedRuntime<Engine | Session, unknown>
  readonly #engine: RollingLoggerEngine
  readonly #session: Session["Type"]
  #closing: Promise<FlushResult> | undefined
  /** Set once the runtime is disposed (after close): calls then reject with LoggerClosedError. */
  #disposed = false
  #onBeforeExit: (() => void) | undefined

  /** @internal Use `createRollingLogger`. */
  constructor(
    runtime: ManagedRuntime.ManagedRuntime<Engine | Session, unknown>,
    engine: RollingLoggerEngine,
    session: Session["Type"],
    closeOnExit: boolean,
  ) {
    this.#runtime = runtime
    this.#engine = engine
    this.#session = session
    if (closeOnExit) {
      this.#onBeforeExit = () => {
        void this.close()
      }
      process.on("beforeExit", this.#onBeforeExit)
    }
  }

  /** The Effect service behind this handle. */
  get service(): RollingLoggerService {
    return this.#engine.service
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closing !== undefined
  }

  /**
   * Logs a row (a plain record) or an array of rows; see the class comment for what it returns.
   * `options.timestamp` (epoch ms or Date; default now) picks the time bucket, `options.datasetId` the
   * dataset. With `sync: true` the promise resolves once the rows are profiled (rejecting with
   * `RowsDroppedError`), with `sync: "written"` once they are written (rejecting with `WriteFailedError`).
   */
  log(data: Row | ReadonlyArray<Row>, options?: LogOptions): Promise<void> {
    if (options?.sync !== undefined && options.sync !== false)
      return this.#run(this.#engine.service.log(data, options))
    return this.#engine.fast.push(
      data,
      Array.isArray(data),
      options?.datasetId,
      timestampOf(options?.timestamp),
    )
  }

  /**
   * @internal Logs rows gathered by column for one profile (core's HTTP profiler): fire-and-forget,
   * answering as `log` does; in drop mode a batch that does not fit is dropped whole.
   */
  logColumnar(rows: ColumnarRows): Promise<void> {
    return this.#engine.fast.pushColumns(rows)
  }

  /** Logs a whylogs log request `{ datasetId, timestamp, multiple: { columns, data } }`. */
  logRequest(request: LogRequestInput, options?: Pick<LogOptions, "sync">): Promise<void> {
    return this.#run(this.#engine.service.logRequest(request, options))
  }

  /** Writes every bucket now (ended ones are released, current ones stay open) and replays the outbox. */
  flush(): Promise<FlushResult> {
    return this.#run(this.#engine.service.flush)
  }

  /**
   * Queue depth, buckets, rows received / accepted / profiled / dropped by reason, writes, writers,
   * outbox, worker. Synchronous: this thread's figures are exact; the actor's (profiled rows, open
   * buckets) are as of its latest drain in-thread, and as of its latest report in worker mode (at
   * most 50 ms old, and exact after `settle()`, `flush()` or `close()` resolve).
   */
  status(): LoggerStatus {
    return this.#engine.fast.status()
  }

  /** Resolves once everything logged before is profiled and every write begun before has ended. */
  settle(): Promise<void> {
    return this.#run(this.#engine.service.settle)
  }

  /** Calls `callback` with every event of the logger's session (profiles written, rows dropped, uploads). */
  onEvent(callback: (event: SessionEvent) => void): () => Promise<void> {
    if (this.#disposed) throw new LoggerClosedError()
    const stop = this.#runtime.runSync(this.#session.follow((event) => Effect.sync(() => callback(event))))
    // After close the subscription has already ended with the runtime.
    return () => (this.#disposed ? Promise.resolve() : this.#runtime.runPromise(stop))
  }

  /**
   * Stops intake, profiles what is queued, writes and releases every bucket, waits for the writers
   * and releases everything (timers, the worker). Idempotent.
   */
  close(): Promise<FlushResult> {
    if (this.#closing === undefined) {
      if (this.#onBeforeExit !== undefined) process.off("beforeExit", this.#onBeforeExit)
      this.#closing = this.#runtime.runPromiseExit(this.#engine.service.close).then(async (exit) => {
        await this.#runtime.dispose()
        this.#disposed = true
        return settle(exit)
      })
    }
    return this.#closing
  }

  /** `await using logger = createRollingLogger(…)` closes it when the block ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  toString(): string {
    return `RollingLogger(${this.closed ? "closed" : "open"})`
  }

  [inspect.custom](): string {
    return this.toString()
  }

  #run<A, E>(effect: Effect.Effect<A, E, never>): Promise<A> {
    if (this.#disposed) return Promise.reject(new LoggerClosedError())
    return this.#runtime.runPromiseExit(effect).then(settle)
  }
}

/**
 * Starts a rolling logger (Promise face). Throws `LoggerOptionsError` for an unusable or unknown
 * option (naming the nearest known one). Given no session and none open, it runs in local mode and
 * says once, on stderr, where the files go (`profileDir`, `SKETCHLOG_PROFILE_DIR`,
 * `./sketchlog-profiles`) and when the first appears.
 *
 * ```ts
 * const logger = createRollingLogger({ datasetId: "model-1", aggregateBy: "hour",
 *   writers: [new LocalWriter({ dir: "./profiles" })] })
 * logger.log({ route: "/users", ms: 12 })
 * await logger.close()
 * ```
 */
export const createRollingLogger = (options: CreateRollingLoggerOptions = {}): RollingLoggerHandle => {
  const unknown = firstUnknownOption(options, createRollingLoggerOptionNames)
  if (unknown !== undefined) throw new LoggerOptionsError({ option: unknown.option, reason: unknown.reason })
  const { session: sessionOption, closeOnExit, ...loggerOptions } = options
  const given = sessionOption ?? getCurrentSession()
  const sessionLayer = given === undefined ? Session.layerLocal : Layer.succeed(Session, given.service)
  const engineLayer = Layer.scoped(
    Engine,
    Effect.flatMap(Session, (session) => makeRollingLogger(loggerOptions, { session })),
  )
  const runtime = ManagedRuntime.make(
    Layer.provideMerge(engineLayer, Layer.merge(sessionLayer, consoleLoggerLayer)),
  )
  const exit = runtime.runSyncExit(Effect.all([Engine, Session]))
  if (Exit.isFailure(exit)) {
    void runtime.dispose()
    throw Cause.isFailType(exit.cause) ? exit.cause.error : errorOf(exit.cause)
  }
  const [engine, session] = exit.value
  // No session was configured, so local mode was chosen for the user: say where the files go.
  if (given === undefined && engine.localProfileDir !== undefined)
    noticeLocalMode(
      `in ${join(engine.localProfileDir, "<dataset>")}${sep} (${describeLocalWrites(options.firstWrite, options.writeSchedule)})`,
    )
  return new RollingLoggerHandle(runtime, engine, session, closeOnExit ?? true)
}
