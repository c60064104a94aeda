import { Effect, Exit, Scope } from "effect"
import { isDeferredExchange, type RecordedExchange } from "../capture/DeferredExchange.js"
import type { ExchangeSlots } from "../capture/ExchangeSlots.js"
import type { HttpExchange } from "../http/HttpExchange.js"
import type { HttpRow } from "../http/HttpRow.js"
import { type ColumnarHttpRowMapper, createColumnarHttpRowMapper } from "../http/HttpRowMapper.js"
import type { HttpRowOptions } from "../http/HttpRowOptions.js"
import { causeText } from "../internal/causeText.js"
import type { LoggerStatus } from "../logger/LoggerStatus.js"
import type { RollingLoggerHandle } from "../logger/RollingLoggerHandle.js"
import type { Row } from "../profile/DatasetProfile.js"
import type { SessionHandle } from "../session/SessionHandle.js"
import { ColumnGathering } from "./ColumnGathering.js"
import { ExchangeBatch } from "./ExchangeBatch.js"
import { FailureReport } from "./FailureReport.js"
import { HttpProfilerError } from "./HttpProfilerError.js"
import {
  checkProfilerOptions,
  type HttpProfilerOptions,
  rowOptionsOf,
  segmentColumnsOf,
} from "./HttpProfilerOptions.js"
import type { HttpProfilerState, HttpProfilerStatus } from "./HttpProfilerStatus.js"
import { ProfilerCounters } from "./ProfilerCounters.js"
import { startProfilerLogger } from "./ProfilerLogger.js"
import { RowGathering } from "./RowGathering.js"
import { leaseSession } from "./SessionLease.js"

/** The rolling logger a profiler runs (the Promise face of `createRollingLogger`). */
export type HttpProfilerLogger = RollingLoggerHandle

/** Options of one `record` call. */
export interface RecordOptions {
  /** The dataset of this exchange, over the `datasetId` option (a Nest handler's `@ProfileDataset`). */
  readonly datasetId?: string | undefined
}

/** Options of a manual `log` call. */
export interface ProfilerLogOptions {
  /** The dataset (default: the profiler's default dataset). */
  readonly datasetId?: string | undefined
  /** When the row happened, epoch ms (default: now). */
  readonly timestamp?: number | undefined
  /**
   * The request the row belongs to. In a segmented dataset the row then joins that request's
   * segment: the segment columns (`http.route`, `http.method` by default) are copied into it.
   */
  readonly exchange?: RecordedExchange | undefined
}

/**
 * The framework-neutral engine of every HTTP adapter: it resolves the session once, runs a rolling
 * logger with the writers the session calls for (a `LocalWriter` in local mode, a `WhyLabsWriter`
 * otherwise), turns finished exchanges into rows with core/http off the response path, and takes
 * manual rows. Adapters call `admit()` when a request arrives, `record()` when its response ends,
 * and `close()` on shutdown; everything else is shared, so every framework behaves the same.
 */
export interface HttpProfiler {
  /** Resolves once the profiler runs or has failed to start (see `state`); never rejects. */
  readonly ready: Promise<void>
  readonly state: HttpProfilerState
  /** The session, once resolved. */
  readonly session: SessionHandle | undefined
  /** The rolling logger, once running (for injection: Nest's `@InjectRollingLogger()`). */
  readonly logger: HttpProfilerLogger | undefined
  /** The dataset of exchanges the `datasetId` option does not place, once the session is known. */
  readonly defaultDatasetId: string | undefined
  /** Where local profiles go (undefined until resolved, and for uploading sessions). */
  readonly profileDir: string | undefined
  /**
   * Draws the `sampleRate` lot for a request that just arrived: false means "do not capture it at
   * all". Call it once per request, before capturing anything; `record` does not sample again.
   */
  admit(): boolean
  /** The dataset an exchange goes to: the `datasetId` option (string or function), else the default. */
  datasetFor(exchange: HttpExchange): string
  /**
   * Takes a finished exchange (or one built on demand). Returns at once: the exchange is mapped to
   * a row and logged on a later turn of the event loop, in batches, never on the response path.
   * Never throws.
   */
  record(exchange: RecordedExchange, options?: RecordOptions): void
  /**
   * Takes slot `slot` of `source` (a capture without an object per request, `NodeCaptureSlots`), as
   * `record` takes an exchange: held (`source.hold`) while it waits, its exchange built when it is
   * mapped, then released; released at once when it is dropped. Never throws.
   */
  recordSlot(source: ExchangeSlots, slot: number, options?: RecordOptions): void
  /**
   * Accounts for an admitted request the application excluded once it knew where the request went
   * (Nest's `@SkipProfiling()`): counted recorded and skipped as `excluded`, so that `admitted =
   * recorded` and `recorded = profiled + skipped + dropped + waiting` hold for it too. Nothing of the
   * request is read or kept. Never throws.
   */
  exclude(): void
  /**
   * Logs a row the application built (manual logging). Waits for the session when it is still being
   * resolved; rejects with `HttpProfilerError` when profiling is not running or the logger refuses.
   */
  log(row: Row, options?: ProfilerLogOptions): Promise<void>
  /** Maps what is waiting and has the logger write every open bucket now. */
  flush(): Promise<void>
  /** Counts, state and the logger's status; never a secret. */
  status(): Promise<HttpProfilerStatus>
  /**
   * Maps what is waiting, closes the logger (every profile written), lets go of the session (closed
   * when profilers opened it and no other profiler uses it), and leaves the registry. Idempotent.
   */
  close(): Promise<void>
}

class Profiler implements HttpProfiler {
  readonly ready: Promise<void>
  readonly #options: HttpProfilerOptions
  readonly #onClosed: (profiler: Profiler) => void
  /** Holds what the profiler leases (its session): closed last, by `close()`. */
  readonly #scope = Effect.runSync(Scope.make())
  readonly #rowOptions: HttpRowOptions
  /** Mapping without sampling (`admit` draws): `record` never samples twice. */
  #mapper: ColumnarHttpRowMapper
  /**
   * Whether exchanges go to the logger by column (no row object each). Not when the logger has
   * per-dataset options: a dataset could then segment on other columns than the mapper files by.
   */
  readonly #columnar: boolean
  readonly #sampleRate: number
  readonly #random: () => number
  #segmentOn: ReadonlyArray<string>
  #state: HttpProfilerState = "starting"
  #session: SessionHandle | undefined
  #logger: HttpProfilerLogger | undefined
  #defaultDatasetId: string | undefined
  #profileDir: string | undefined
  #closing: Promise<void> | undefined
  readonly #batch = new ExchangeBatch()
  readonly #counters = new ProfilerCounters()
  readonly #failures: FailureReport

  constructor(options: HttpProfilerOptions, onClosed: (profiler: Profiler) => void) {
    checkProfilerOptions(options)
    this.#options = options
    this.#onClosed = onClosed
    this.#failures = new FailureReport(options.onError)
    this.#rowOptions = rowOptionsOf(options, false)
    this.#mapper = createColumnarHttpRowMapper(this.#rowOptions)
    // The type leaves `loggerOptions` out, but a plain-JavaScript caller could pass it through.
    this.#columnar = (options.logger as { loggerOptions?: unknown } | undefined)?.loggerOptions === undefined
    this.#sampleRate = options.sampleRate ?? 1
    this.#random = options.random ?? Math.random
    this.#segmentOn = segmentColumnsOf(options.segmentOn)
    this.ready = this.#start()
  }

  get state(): HttpProfilerState {
    return this.#state
  }

  get session(): SessionHandle | undefined {
    return this.#session
  }

  get logger(): HttpProfilerLogger | undefined {
    return this.#logger
  }

  get defaultDatasetId(): string | undefined {
    return this.#defaultDatasetId
  }

  get profileDir(): string | undefined {
    return this.#profileDir
  }

  admit(): boolean {
    if (this.#sampleRate >= 1) {
      this.#counters.admitted++
      return true
    }
    let draw: number
    try {
      draw = this.#random()
    } catch {
      draw = 1 // a throwing `random` samples nothing out rather than breaking requests
    }
    if (draw < this.#sampleRate) {
      this.#counters.admitted++
      return true
    }
    this.#counters.sampledOut++
    return false
  }

  datasetFor(exchange: HttpExchange): string {
    const option = this.#options.datasetId
    const fallback = this.#defaultDatasetId ?? "default"
    if (typeof option === "string") return option
    if (typeof option !== "function") return fallback
    try {
      const chosen = option(exchange)
      return typeof chosen === "string" && chosen.length > 0 && chosen.length <= 256 ? chosen : fallback
    } catch {
      return fallback
    }
  }

  record(exchange: RecordedExchange, options?: RecordOptions): void {
    this.#counters.recorded++
    if (this.#state === "failed") this.#counters.drop("not-running")
    else if (this.#state === "closed") this.#counters.drop("closed")
    else if (!this.#batch.add(exchange, options?.datasetId)) this.#counters.drop("backlog-full")
  }

  recordSlot(source: ExchangeSlots, slot: number, options?: RecordOptions): void {
    this.#counters.recorded++
    if (this.#state === "failed") this.#counters.drop("not-running")
    else if (this.#state === "closed") this.#counters.drop("closed")
    else if (!this.#batch.addSlot(source, slot, options?.datasetId)) this.#counters.drop("backlog-full")
  }

  exclude(): void {
    this.#counters.recorded++
    this.#counters.skip("excluded")
  }

  async log(row: Row, options: ProfilerLogOptions = {}): Promise<void> {
    if (this.#state === "starting") await this.ready
    const logger = this.#logger
    if (logger === undefined || this.#state === "closed" || this.#state === "failed") {
      throw new HttpProfilerError({
        reason:
          this.#state === "failed"
            ? `profiling is not running: ${this.#failures.lastError ?? "it failed to start"}`
            : "the profiler is closed",
      })
    }
    this.#counters.manualRows++
    const data =
      options.exchange !== undefined && this.#segmentOn.length > 0
        ? this.#withSegment(row, options.exchange)
        : row
    try {
      await logger.log(data, {
        datasetId: options.datasetId ?? this.#defaultDatasetId,
        timestamp: options.timestamp ?? Date.now(),
      })
    } catch (cause) {
      throw new HttpProfilerError({ reason: `the logger refused the row: ${causeText(cause)}`, cause })
    }
  }

  async flush(): Promise<void> {
    if (this.#state === "starting") await this.ready
    this.#batch.flush()
    if (this.#logger !== undefined && this.#state === "running") await this.#logger.flush()
  }

  async status(): Promise<HttpProfilerStatus> {
    let logger: LoggerStatus | undefined
    try {
      logger =
        this.#logger === undefined || this.#state === "closed" ? undefined : await this.#logger.status()
    } catch {
      logger = undefined
    }
    return {
      state: this.#state,
      session: this.#session?.kind,
      datasetId: this.#defaultDatasetId,
      segmentOn: this.#segmentOn,
      profileDir: this.#profileDir,
      exchanges: this.#counters.exchanges(this.#batch.waiting),
      manualRows: this.#counters.manualRows,
      logger,
      lastError: this.#failures.lastError,
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    const wasRunning = this.#state !== "failed"
    await this.ready
    if (wasRunning && this.#state === "running") this.#state = "closing"
    this.#batch.flush()
    try {
      await this.#logger?.close()
    } catch (cause) {
      this.#failures.lastError = `closing the logger failed: ${causeText(cause)}`
    }
    this.#state = "closed"
    this.#onClosed(this)
    // Lets go of the session: closed now when profilers opened it and no other profiler uses it.
    await Effect.runPromise(Scope.close(this.#scope, Exit.void))
  }

  /** Resolves the session, picks the writers, starts the logger. Never rejects. */
  async #start(): Promise<void> {
    try {
      const session = await leaseSession(this.#options, this.#scope)
      this.#session = session
      const datasetId =
        typeof this.#options.datasetId === "string" ? this.#options.datasetId : session.defaultDatasetId
      if (datasetId === undefined && session.kind === "whylabs") {
        throw new HttpProfilerError({
          reason:
            "no dataset to upload to: set the datasetId option, WHYLABS_DEFAULT_DATASET_ID, or default_dataset_id in the whylogs config file",
        })
      }
      const defaultDatasetId = datasetId ?? "default"
      this.#defaultDatasetId = defaultDatasetId
      if (session.kind === "anonymous" && this.#segmentOn.length > 0) {
        // Guest sessions take no segmented profiles: profile unsegmented rather than fail every upload.
        if (this.#options.segmentOn !== undefined) {
          this.#failures.report(
            "anonymous-segments",
            new HttpProfilerError({
              reason: "anonymous sessions take no segmented profiles; segmentOn is ignored",
            }),
          )
        }
        this.#segmentOn = []
        this.#mapper = createColumnarHttpRowMapper({ ...this.#rowOptions, segmentOn: [] })
      }
      const { logger, profileDir } = startProfilerLogger(
        this.#options,
        session,
        defaultDatasetId,
        this.#segmentOn,
      )
      this.#logger = logger
      this.#profileDir = profileDir
      if (this.#state === "starting") this.#state = "running"
      const notes = { counters: this.#counters, failures: this.#failures }
      const gathering = this.#columnar
        ? new ColumnGathering(this.#mapper, logger, defaultDatasetId, notes)
        : new RowGathering(this.#mapper, logger, defaultDatasetId, notes)
      this.#batch.start((batch) => gathering.gather(batch))
    } catch (cause) {
      const error =
        cause instanceof HttpProfilerError
          ? cause
          : new HttpProfilerError({ reason: `profiling could not start: ${causeText(cause)}`, cause })
      this.#state = "failed"
      const waiting = this.#batch.discard()
      if (waiting > 0) this.#counters.drop("not-running", waiting)
      this.#failures.report("start", error)
    }
  }

  /** `row` with the segment columns of the request it belongs to (a segmented dataset's manual row). */
  #withSegment(row: Row, recorded: RecordedExchange): Row {
    let exchange: HttpExchange
    try {
      exchange = isDeferredExchange(recorded) ? recorded.toExchange() : recorded
    } catch {
      return row
    }
    const mapped = this.#mapper.map(exchange)
    if (mapped._tag !== "Row") return row
    const copy: Record<string, unknown> = { ...row }
    for (const column of this.#segmentOn) copy[column] = (mapped.row as HttpRow)[column]
    return copy
  }
}

/**
 * A new profiler, not shared (see `sharedHttpProfiler` for the one-per-configuration form adapters
 * use). Throws `HttpOptionsError` for a bad option; everything after that (session, logger) happens in
 * the background and is reported through `status()` and `onError`.
 */
export const createHttpProfiler = (options: HttpProfilerOptions = {}): HttpProfiler =>
  new Profiler(options, () => undefined)

/** The registry's constructor (not exported by the package): `onClosed` runs when the profiler closes. */
export const makeRegisteredProfiler = (
  options: HttpProfilerOptions,
  onClosed: (profiler: HttpProfiler) => void,
): HttpProfiler => new Profiler(options, onClosed)
