import { join } from "node:path"
import { isDeferredExchange, type RecordedExchange } from "../capture/DeferredExchange.js"
import { ColumnRowsBuilder } from "../http/ColumnRowsBuilder.js"
import { HttpColumn, type HttpColumnName, SegmentableColumns } from "../http/HttpColumns.js"
import type { HttpExchange } from "../http/HttpExchange.js"
import { HttpOptionsError } from "../http/HttpOptionsError.js"
import type { HttpRow, HttpRowSkipped, HttpSkipReason } from "../http/HttpRow.js"
import {
  type ColumnarHttpRowMapper,
  createColumnarHttpRowMapper,
  createHttpRowMapper,
} from "../http/HttpRowMapper.js"
import { type HttpRowOptions, httpRowOptionNames } from "../http/HttpRowOptions.js"
import { causeText } from "../internal/causeText.js"
import { LoggerClosedError } from "../logger/LoggerError.js"
import type { LoggerStatus } from "../logger/LoggerStatus.js"
import { createRollingLogger, type RollingLoggerHandle } from "../logger/RollingLoggerHandle.js"
import { printLine } from "../node/promiseRuntime.js"
import type { Row } from "../profile/DatasetProfile.js"
import type { SessionHandle } from "../session/SessionHandle.js"
import { defaultInit, getCurrentSession, init } from "../session/SessionInit.js"
import { StoreWriter } from "../store/StoreWriter.js"
import { resolveStoreUrl } from "../store/storeUrl.js"
import { LocalWriter } from "../writers/LocalWriter.js"
import { WhyLabsWriter } from "../writers/WhyLabsWriter.js"
import { HttpProfilerError } from "./HttpProfilerError.js"
import type { HttpProfilerOptions } from "./HttpProfilerOptions.js"
import type { HttpProfilerDropReason, HttpProfilerState, HttpProfilerStatus } from "./HttpProfilerStatus.js"
import { resolveProfileDir } from "./ProfileDirectory.js"

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
   * a row and logged on a later turn of the event loop (`setImmediate`), in batches, never on the
   * response path. Never throws.
   */
  record(exchange: RecordedExchange, options?: RecordOptions): void
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
   * Maps what is waiting, closes the logger (every profile written), closes the session when the
   * profiler opened it and no other profiler uses it, and leaves the registry. Idempotent.
   */
  close(): Promise<void>
}

/** Exchanges of one dataset, segment and second being gathered by column. */
interface Gathering {
  readonly builder: ColumnRowsBuilder
  readonly datasetId: string
  readonly second: number
  /** The first exchange's time: every exchange of the second shares its bucket. */
  readonly timestamp: number
  readonly segment: ReadonlyArray<string>
}

/** Exchanges that may wait for the logger (while the session resolves) before new ones are dropped. */
const MAX_BACKLOG = 10_000

/**
 * Exchanges wait up to this long to be mapped together (or until `BATCH` of them wait), and reach the
 * logger as one batch per dataset and second: the logger's cost per row falls with the batch size
 * (measured in-thread with 52-column rows: about 23 µs a row one by one, 16 in batches of 20, 9 in
 * batches of 200). Nothing waits for it: the responses are already out.
 */
const BATCH_WINDOW_MS = 25
const BATCH = 512

/** Profilers not yet closed, to know whether a session a profiler opened is still in use. */
const live = new Set<Profiler>()

/**
 * Sessions a profiler opened (no session was given or open): the last profiler using one closes it,
 * whichever profiler opened it. Sessions the application gave or opened are never closed here.
 */
const openedByProfilers = new WeakSet<SessionHandle>()

const profilerOptionNames = new Set<string>([
  ...httpRowOptionNames,
  "session",
  "sessionOptions",
  "profileDir",
  "store",
  "logger",
  "onError",
])

const kindOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value

/** Checks the profiler's own options; core/http checks the mapping options. */
const checkOptions = (options: HttpProfilerOptions): void => {
  if (typeof options !== "object" || options === null) {
    throw new HttpOptionsError({ option: "options", message: `expected an object, got ${kindOf(options)}` })
  }
  for (const key of Object.keys(options)) {
    if (!profilerOptionNames.has(key)) throw new HttpOptionsError({ option: key, message: "unknown option" })
  }
  const { session, sessionOptions, profileDir, logger, onError } = options
  if (session !== undefined && (typeof session !== "object" || session === null)) {
    throw new HttpOptionsError({
      option: "session",
      message: `expected a session or a promise of one, got ${kindOf(session)}`,
    })
  }
  if (sessionOptions !== undefined && (typeof sessionOptions !== "object" || sessionOptions === null)) {
    throw new HttpOptionsError({
      option: "sessionOptions",
      message: `expected an object, got ${kindOf(sessionOptions)}`,
    })
  }
  if (profileDir !== undefined && (typeof profileDir !== "string" || profileDir === "")) {
    throw new HttpOptionsError({
      option: "profileDir",
      message: `expected a non-empty string, got ${kindOf(profileDir)}`,
    })
  }
  if (options.store !== undefined && (typeof options.store !== "string" || options.store.trim() === "")) {
    throw new HttpOptionsError({
      option: "store",
      message: `expected a directory or an s3://bucket/prefix URL, got ${kindOf(options.store)}`,
    })
  }
  if (logger !== undefined && (typeof logger !== "object" || logger === null)) {
    throw new HttpOptionsError({ option: "logger", message: `expected an object, got ${kindOf(logger)}` })
  }
  if (onError !== undefined && typeof onError !== "function") {
    throw new HttpOptionsError({ option: "onError", message: `expected a function, got ${kindOf(onError)}` })
  }
}

/**
 * The mapping options among the profiler's. Without `sampling`, `sampleRate` and `random` are left
 * out: `admit()` draws the lot when a request arrives, so the mapper must not draw again.
 */
const rowOptionsOf = (options: HttpProfilerOptions, sampling: boolean): HttpRowOptions => {
  const picked: Record<string, unknown> = {}
  for (const name of httpRowOptionNames) {
    if (!sampling && (name === "sampleRate" || name === "random")) continue
    if (options[name] !== undefined) picked[name] = options[name]
  }
  return picked as HttpRowOptions
}

/** The segment columns as the rows spell them (`route` → `http.route`). */
const segmentColumnsOf = (segmentOn: ReadonlyArray<string> | undefined): ReadonlyArray<HttpColumnName> =>
  segmentOn === undefined
    ? [HttpColumn.route, HttpColumn.method]
    : segmentOn.map((c) => SegmentableColumns[c]!)

class Profiler implements HttpProfiler {
  readonly ready: Promise<void>
  readonly #options: HttpProfilerOptions
  readonly #onClosed: (profiler: Profiler) => void
  /** Mapping without sampling (`admit` draws): `record` never samples twice. */
  #mapper: ColumnarHttpRowMapper
  /**
   * Whether exchanges go to the logger by column (no row object each). Not when the logger has
   * per-dataset options: a dataset could then segment on other columns than the mapper files by.
   */
  readonly #columnar: boolean
  /** The builders of the drain under way, by dataset and segment. */
  readonly #builders = new Map<string, Gathering>()
  readonly #rowOptions: HttpRowOptions
  readonly #sampleRate: number
  readonly #random: () => number
  #segmentOn: ReadonlyArray<HttpColumnName>
  #state: HttpProfilerState = "starting"
  #session: SessionHandle | undefined
  #logger: HttpProfilerLogger | undefined
  #defaultDatasetId: string | undefined
  #profileDir: string | undefined
  #closing: Promise<void> | undefined

  // The backlog as two parallel arrays: no object per recorded exchange.
  #backlog: Array<RecordedExchange> = []
  #backlogDatasets: Array<string | undefined> = []
  #timer: NodeJS.Timeout | undefined
  #immediate: NodeJS.Immediate | undefined

  #admitted = 0
  #sampledOut = 0
  #recorded = 0
  #profiled = 0
  #manualRows = 0
  readonly #skipped: Partial<Record<HttpSkipReason, number>> = {}
  readonly #dropped: Partial<Record<HttpProfilerDropReason, number>> = {}
  #lastError: string | undefined
  readonly #reported = new Set<string>()

  constructor(options: HttpProfilerOptions, onClosed: (profiler: Profiler) => void) {
    checkOptions(options)
    this.#options = options
    this.#onClosed = onClosed
    // Validates every mapping option now (sampling included), so a typo fails where the middleware
    // is mounted; the mapper kept is the one without sampling.
    createHttpRowMapper(rowOptionsOf(options, true))
    this.#rowOptions = rowOptionsOf(options, false)
    this.#mapper = createColumnarHttpRowMapper(this.#rowOptions)
    // The type leaves `loggerOptions` out, but a plain-JavaScript caller could pass it through.
    this.#columnar = (options.logger as { loggerOptions?: unknown } | undefined)?.loggerOptions === undefined
    this.#sampleRate = options.sampleRate ?? 1
    this.#random = options.random ?? Math.random
    this.#segmentOn = segmentColumnsOf(options.segmentOn)
    live.add(this)
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
      this.#admitted++
      return true
    }
    let draw: number
    try {
      draw = this.#random()
    } catch {
      draw = 1 // a throwing `random` samples nothing out rather than breaking requests
    }
    if (draw < this.#sampleRate) {
      this.#admitted++
      return true
    }
    this.#sampledOut++
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
    this.#recorded++
    if (this.#state === "failed" || this.#state === "closed" || this.#backlog.length >= MAX_BACKLOG) {
      this.#drop(
        this.#state === "failed" ? "not-running" : this.#state === "closed" ? "closed" : "backlog-full",
      )
      return
    }
    this.#backlog.push(exchange)
    this.#backlogDatasets.push(options?.datasetId)
    if (this.#logger !== undefined) this.#schedule()
  }

  exclude(): void {
    this.#recorded++
    this.#skip("excluded")
  }

  /** Drains after the batch window, or on the next turn once a batch is full. */
  #schedule(): void {
    if (this.#backlog.length >= BATCH) {
      this.#immediate ??= setImmediate(this.#drain)
      return
    }
    // A referenced timer: a process ending on its own still maps what waits before `beforeExit`.
    this.#timer ??= setTimeout(this.#drain, BATCH_WINDOW_MS)
  }

  async log(row: Row, options: ProfilerLogOptions = {}): Promise<void> {
    if (this.#state === "starting") await this.ready
    const logger = this.#logger
    if (logger === undefined || this.#state === "closed" || this.#state === "failed") {
      throw new HttpProfilerError({
        reason:
          this.#state === "failed"
            ? `profiling is not running: ${this.#lastError ?? "it failed to start"}`
            : "the profiler is closed",
      })
    }
    this.#manualRows++
    let data: Row = row
    if (options.exchange !== undefined && this.#segmentOn.length > 0)
      data = this.#withSegment(row, options.exchange)
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
    this.#drain()
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
      exchanges: {
        admitted: this.#admitted,
        sampledOut: this.#sampledOut,
        recorded: this.#recorded,
        profiled: this.#profiled,
        skipped: { ...this.#skipped },
        dropped: { ...this.#dropped },
        waiting: this.#backlog.length,
      },
      manualRows: this.#manualRows,
      logger,
      lastError: this.#lastError,
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
    this.#drain()
    try {
      await this.#logger?.close()
    } catch (cause) {
      this.#lastError = `closing the logger failed: ${causeText(cause)}`
    }
    this.#state = "closed"
    live.delete(this)
    this.#onClosed(this)
    const session = this.#session
    if (
      session !== undefined &&
      openedByProfilers.has(session) &&
      ![...live].some((p) => p.#session === session)
    ) {
      openedByProfilers.delete(session)
      await session.close().catch(() => undefined)
    }
  }

  /** Resolves the session, picks the writers, starts the logger. Never rejects. */
  async #start(): Promise<void> {
    try {
      await this.#resolveSession()
      const session = this.#session!
      const datasetId =
        typeof this.#options.datasetId === "string" ? this.#options.datasetId : session.defaultDatasetId
      if (datasetId === undefined && session.kind === "whylabs") {
        throw new HttpProfilerError({
          reason:
            "no dataset to upload to: set the datasetId option, WHYLABS_DEFAULT_DATASET_ID, or default_dataset_id in the whylogs config file",
        })
      }
      this.#defaultDatasetId = datasetId ?? "default"
      if (session.kind === "anonymous" && this.#segmentOn.length > 0) {
        // Guest sessions take no segmented profiles: profile unsegmented rather than fail every upload.
        if (this.#options.segmentOn !== undefined) {
          this.#report(
            "anonymous-segments",
            new HttpProfilerError({
              reason: "anonymous sessions take no segmented profiles; segmentOn is ignored",
            }),
          )
        }
        this.#segmentOn = []
        this.#mapper = createColumnarHttpRowMapper({ ...this.#rowOptions, segmentOn: [] })
      }
      const dir = resolveProfileDir(this.#options.profileDir)
      const loggerOptions = this.#options.logger ?? {}
      const uploads = session.kind !== "local"
      const store = resolveStoreUrl(this.#options.store ?? loggerOptions.store)
      this.#profileDir = uploads || store !== undefined ? undefined : dir
      this.#logger = createRollingLogger({
        // The server must never wait for profiling nor buffer without bound: rows that do not fit
        // are dropped and counted unless the user asks for back-pressure.
        overflow: "drop",
        outboxDir: join(dir, ".outbox"),
        ...loggerOptions,
        // A duration can happen to be whole (2 ms); declared, its column is always fractional.
        schema: { [HttpColumn.durationMs]: "fractional", ...loggerOptions.schema },
        store: undefined,
        writers: loggerOptions.writers ?? [
          store !== undefined
            ? new StoreWriter({ store })
            : uploads
              ? new WhyLabsWriter({ session })
              : new LocalWriter({ dir }),
        ],
        session,
        datasetId: this.#defaultDatasetId,
        segmentOn: this.#segmentOn,
      })
      if (this.#state === "starting") this.#state = "running"
      if (this.#backlog.length > 0) this.#schedule()
    } catch (cause) {
      const error =
        cause instanceof HttpProfilerError
          ? cause
          : new HttpProfilerError({ reason: `profiling could not start: ${causeText(cause)}`, cause })
      this.#state = "failed"
      this.#lastError = error.reason
      const waiting = this.#backlog.length
      this.#backlog = []
      this.#backlogDatasets = []
      if (waiting > 0) this.#dropped["not-running"] = (this.#dropped["not-running"] ?? 0) + waiting
      this.#report("start", error)
    }
  }

  async #resolveSession(): Promise<void> {
    const given = this.#options.session
    if (given !== undefined) {
      this.#session = await given
      return
    }
    const current = getCurrentSession()
    if (current !== undefined && !current.closed) {
      this.#session = current
      return
    }
    const sessionOptions = this.#options.sessionOptions
    const opened = sessionOptions === undefined ? await defaultInit() : await init(sessionOptions)
    openedByProfilers.add(opened)
    this.#session = opened
  }

  /** Maps every waiting exchange and hands the rows to the logger. */
  readonly #drain = (): void => {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    if (this.#immediate !== undefined) {
      clearImmediate(this.#immediate)
      this.#immediate = undefined
    }
    const logger = this.#logger
    if (logger === undefined || this.#backlog.length === 0) return
    const exchanges = this.#backlog
    const datasets = this.#backlogDatasets
    this.#backlog = []
    this.#backlogDatasets = []
    if (this.#columnar) this.#mapColumns(logger, exchanges, datasets)
    else this.#mapRows(logger, exchanges, datasets)
  }

  /** The exchange a recording stands for, or `undefined` (counted skipped) when building it threw. */
  #exchangeOf(recorded: RecordedExchange): HttpExchange | undefined {
    try {
      return isDeferredExchange(recorded) ? recorded.toExchange() : recorded
    } catch {
      this.#skip("unreadable-exchange")
      return undefined
    }
  }

  /**
   * Maps exchanges straight into column buffers, one per dataset, segment and second, and hands
   * each to the logger as one batch: no row object per exchange, no per-row work in the logger.
   */
  #mapColumns(
    logger: HttpProfilerLogger,
    exchanges: ReadonlyArray<RecordedExchange>,
    datasets: ReadonlyArray<string | undefined>,
  ): void {
    const mapper = this.#mapper
    for (let i = 0; i < exchanges.length; i++) {
      const exchange = this.#exchangeOf(exchanges[i]!)
      if (exchange === undefined) continue
      const result = mapper.mapColumns(exchange, this.#target, datasets[i])
      if (result._tag === "Skipped") this.#noteSkipped(result)
    }
    for (const gathering of this.#builders.values()) this.#giveColumns(logger, gathering)
    this.#builders.clear()
  }

  /** The builder for an exchange's dataset, segment and second (a new second hands the old one over). */
  readonly #target = (
    datasetOption: string | undefined,
    segment: ReadonlyArray<string>,
    timestamp: number,
  ): ColumnRowsBuilder => {
    const datasetId = datasetOption ?? this.#defaultDatasetId ?? ""
    const key = segment.length === 0 ? datasetId : `${datasetId}\u0000${segment.join("\u0000")}`
    const second = Math.floor(timestamp / 1000)
    let gathering = this.#builders.get(key)
    if (gathering !== undefined && gathering.second !== second) {
      this.#giveColumns(this.#logger!, gathering)
      gathering = undefined
    }
    if (gathering === undefined) {
      gathering = {
        builder: new ColumnRowsBuilder(this.#mapper.fixedColumns),
        datasetId,
        second,
        timestamp,
        segment: [...segment],
      }
      this.#builders.set(key, gathering)
    }
    return gathering.builder
  }

  #giveColumns(logger: HttpProfilerLogger, gathering: Gathering): void {
    const { builder } = gathering
    const count = builder.count
    if (count === 0) return
    this.#profiled += count
    const refused = (cause: unknown) => this.#refused(cause, count)
    try {
      logger
        .logColumnRows({
          _tag: "ColumnRows",
          datasetId: gathering.datasetId,
          timestamp: gathering.timestamp,
          count,
          keys: builder.keys,
          columns: builder.columns,
          segmentOn: this.#mapper.segmentOn,
          segment: gathering.segment,
        })
        ?.catch(refused)
    } catch (cause) {
      refused(cause)
    }
  }

  #refused(cause: unknown, rows: number): void {
    this.#profiled -= rows
    const reason = cause instanceof LoggerClosedError ? "closed" : "logger-refused"
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + rows
    if (reason === "logger-refused") this.#lastError = `the logger refused rows: ${causeText(cause)}`
  }

  #noteSkipped(result: HttpRowSkipped): void {
    this.#skip(result.reason)
    if (result.reason === "callback-failed") {
      this.#report(
        "callback",
        new HttpProfilerError({
          reason: `a profiling callback failed: ${causeText(result.cause)}`,
          cause: result.cause,
        }),
      )
    }
  }

  /** Maps exchanges to row objects and hands them over in batches of one dataset and second. */
  #mapRows(
    logger: HttpProfilerLogger,
    exchanges: ReadonlyArray<RecordedExchange>,
    datasets: ReadonlyArray<string | undefined>,
  ): void {
    const mapper = this.#mapper
    // Consecutive rows of one dataset and one second go to the logger as one batch: they share any
    // time bucket (every granularity is a whole number of seconds), so one timestamp serves them all.
    let group: Array<Row> = []
    let groupDataset: string | undefined
    let groupSecond = Number.NaN
    let groupTimestamp = 0
    for (let i = 0; i < exchanges.length; i++) {
      const exchange = this.#exchangeOf(exchanges[i]!)
      if (exchange === undefined) continue
      const result = mapper.map(exchange)
      if (result._tag === "Skipped") {
        this.#noteSkipped(result)
        continue
      }
      const datasetId = datasets[i] ?? result.datasetId ?? this.#defaultDatasetId
      const second = Math.floor(result.timestamp / 1000)
      if (datasetId !== groupDataset || second !== groupSecond) {
        if (group.length > 0) this.#give(logger, group, groupDataset, groupTimestamp)
        group = []
        groupDataset = datasetId
        groupSecond = second
        groupTimestamp = result.timestamp
      }
      group.push(result.row)
    }
    if (group.length > 0) this.#give(logger, group, groupDataset, groupTimestamp)
  }

  /** Hands rows to the logger: fire-and-forget (a promise only when a block-mode queue is full). */
  #give(
    logger: HttpProfilerLogger,
    rows: Array<Row>,
    datasetId: string | undefined,
    timestamp: number,
  ): void {
    this.#profiled += rows.length
    const refused = (cause: unknown) => this.#refused(cause, rows.length)
    try {
      logger.log(rows, { datasetId, timestamp })?.catch(refused)
    } catch (cause) {
      refused(cause)
    }
  }

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

  #skip(reason: HttpSkipReason): void {
    this.#skipped[reason] = (this.#skipped[reason] ?? 0) + 1
  }

  #drop(reason: HttpProfilerDropReason): void {
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + 1
  }

  /** Tells the user about a failure once per kind: through `onError`, else one line on stderr. */
  #report(kind: string, error: HttpProfilerError): void {
    this.#lastError = error.reason
    if (this.#reported.has(kind)) return
    this.#reported.add(kind)
    const onError = this.#options.onError
    if (onError === undefined) {
      printLine("warning", error.reason)
      return
    }
    try {
      onError(error)
    } catch {
      // A throwing error callback must not break profiling, nor the requests behind it.
    }
  }
}

/**
 * A new profiler, not shared (see `sharedHttpProfiler` for the one-per-configuration form adapters
 * use). Throws `HttpOptionsError` for a bad option; everything after that (session, logger) happens in
 * the background and is reported through `status()` and `onError`.
 */
export const createHttpProfiler = (options: HttpProfilerOptions = {}): HttpProfiler =>
  new Profiler(options, () => undefined)

/** @internal The registry's constructor: the callback runs when the profiler closes. */
export const makeRegisteredProfiler = (
  options: HttpProfilerOptions,
  onClosed: (profiler: HttpProfiler) => void,
): HttpProfiler => new Profiler(options, onClosed)
