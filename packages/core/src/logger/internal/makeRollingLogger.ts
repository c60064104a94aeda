import { Clock, Deferred, Effect, ExecutionStrategy, Scope } from "effect"
import { RowsDropped } from "../../session/SessionEvent.js"
import type { SessionService } from "../../session/SessionService.js"
import { Outbox } from "../../writers/Outbox.js"
import { WriterPipeline } from "../../writers/WriterPipeline.js"
import type { ColumnarRows } from "../ColumnarRows.js"
import type { FlushResult } from "../FlushResult.js"
import { LoggerClosedError, type LoggerOptionsError, RowsDroppedError } from "../LoggerError.js"
import type { RollingLoggerOptions } from "../LoggerOptions.js"
import type { LoggerStatus } from "../LoggerStatus.js"
import type { LogOptions, RollingLoggerService } from "../RollingLoggerService.js"
import type { ActorPort } from "./ActorPort.js"
import type { ActorSink } from "./ActorSink.js"
import { startInThreadPort } from "./InThreadPort.js"
import { LoggerDatasets } from "./LoggerDatasets.js"
import { resolveLoggerSettings } from "./LoggerSettings.js"
import type { ActorStatus, CloseReply, Mail, RequestRows, RowBatch, Rows, SyncMode } from "./Mail.js"
import { MUST_WAIT, RowAdmission } from "./RowAdmission.js"
import { RowBudget } from "./RowBudget.js"
import { RowBuffer } from "./RowBuffer.js"
import { statusOf } from "./statusOf.js"
import { startWorkerPort, workerOf } from "./worker/WorkerPort.js"

/**
 * What the Promise face uses besides the service: the synchronous paths. Every one of them admits
 * rows through the same `RowAdmission` as the Effect face.
 */
export interface LoggerFastPath {
  /**
   * Accepts rows on the caller's thread: a shared resolved promise when taken at once (queued, or
   * dropped and counted in drop mode), a pending one when block mode must wait for room, a rejected
   * one (`LoggerClosedError`, already marked handled) after close.
   */
  readonly push: (
    data: unknown,
    isArray: boolean,
    datasetId: string | undefined,
    timestamp: number,
  ) => Promise<void>
  /**
   * Accepts rows gathered by column for one profile, as a whole: in drop mode the batch is dropped
   * (and counted) when it does not fit; in block mode the promise waits for room. Answers as `push`.
   */
  readonly pushColumns: (rows: ColumnarRows) => Promise<void>
  /** The status now: exact on this thread's side, the actor's part as of its latest report. */
  readonly status: () => LoggerStatus
}

const EMPTY_ACTOR: ActorStatus = { profiled: 0, droppedByReason: {}, buckets: [] }

/** The service and its fast path. */
export interface RollingLoggerEngine {
  readonly service: RollingLoggerService
  readonly fast: LoggerFastPath
  /** The folder the logger's default `LocalWriter` writes to, when it chose one (local mode). */
  readonly localProfileDir: string | undefined
}

/** Everything the logger needs from its surroundings. */
export interface LoggerEnvironment {
  readonly session: SessionService
}

const syncModeOf = (sync: LogOptions["sync"]): SyncMode | undefined =>
  sync === true || sync === "tracked" ? "tracked" : sync === "written" ? "written" : undefined

const timestampOf = (timestamp: number | Date | undefined | null): Effect.Effect<number> =>
  timestamp === undefined || timestamp === null
    ? Clock.currentTimeMillis
    : Effect.succeed(timestamp instanceof Date ? timestamp.getTime() : timestamp)

/** The first `n` rows of `rows` (what got in when drop mode cut a batch). */
const firstRows = (rows: RowBatch | RequestRows, n: number): RowBatch | RequestRows =>
  rows._tag === "RowBatch"
    ? { ...rows, rows: rows.rows.slice(0, n) }
    : { ...rows, multiple: { columns: rows.multiple.columns, data: rows.multiple.data.slice(0, n) } }

/**
 * Builds a rolling logger in the current scope: validates the options, starts the writer pipeline and
 * the actor (on this thread or in a worker), and returns the service. Closing the scope closes the
 * logger. Construction is synchronous (no I/O), so the Promise face can build it with `runSync`.
 */
export const makeRollingLogger = (
  options: RollingLoggerOptions,
  environment: LoggerEnvironment,
): Effect.Effect<RollingLoggerEngine, LoggerOptionsError, Scope.Scope> =>
  Effect.gen(function* () {
    // Everything runs in a child scope that outlives close(): close forks fibers (replies, the
    // outbox replay, new writer lanes), which a scope already closing would interrupt at once. The
    // finalizer added below runs before the child scope's own (finalizers run last-in, first-out).
    const inner = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
    const built = yield* Scope.extend(build(options, environment), inner)
    yield* Effect.addFinalizer(() => built.service.close)
    return built
  })

const build = (
  options: RollingLoggerOptions,
  environment: LoggerEnvironment,
): Effect.Effect<RollingLoggerEngine, LoggerOptionsError, Scope.Scope> =>
  Effect.gen(function* () {
    const { session } = environment
    const settings = yield* resolveLoggerSettings(options, session)
    const outbox = settings.outboxDir === undefined ? undefined : new Outbox(settings.outboxDir)
    const pipeline = yield* WriterPipeline.make({ outbox, retry: settings.retry, publish: session.publish })
    const datasets = new LoggerDatasets(options, settings, pipeline)
    const budget = new RowBudget(settings.queueCapacity)
    const admission = new RowAdmission(budget, settings.overflow, session.publish)
    const buffer = new RowBuffer()
    let lastError: { message: string; at: string } | undefined
    const noteError = (message: string) => {
      lastError = { message, at: new Date().toISOString() }
    }
    const defaultDatasetId = settings.defaultDatasetId

    const sink: ActorSink = {
      write: (writes) => datasets.submit(writes),
      replay: datasets.replay,
      settle: pipeline.settle,
      drain: (timeout) => pipeline.drain(timeout),
      dropped: (datasetId, reason, count) => session.publish(new RowsDropped({ datasetId, count, reason })),
      release: (permits) => budget.release(permits),
    }
    const port: ActorPort =
      settings.mode === "worker"
        ? yield* startWorkerPort({
            settings,
            datasets,
            pipeline,
            budget,
            admission,
            buffer,
            publish: session.publish,
            noteError,
          })
        : yield* startInThreadPort({
            actor: {
              sink,
              configFor: datasets.configFor,
              defaultDatasetId,
              batchSize: settings.batchSize,
              batchWindow: settings.batchWindow,
              closeTimeout: settings.closeTimeout,
            },
            queueCapacity: settings.queueCapacity,
            buffer,
            handOffRows: settings.postRows,
          })

    let state: LoggerStatus["state"] = "running"
    let finalStatus: ActorStatus | undefined
    const closeResult = yield* Deferred.make<FlushResult>()
    const sources = {
      settings,
      admission,
      budget,
      pipeline,
      outbox,
      port,
      state: () => state,
      lastError: () => lastError,
    }

    /** Sends a control mail after what is buffered, and waits for its answer. */
    const ask = <A>(make: (reply: Deferred.Deferred<A, unknown>) => Mail): Effect.Effect<A, unknown> =>
      Effect.gen(function* () {
        const reply = yield* Deferred.make<A, unknown>()
        port.flush()
        yield* port.send(make(reply))
        return yield* Deferred.await(reply)
      })

    /**
     * The Effect face's rows: admitted like every other (drop mode: what fits; block mode: waits),
     * then one mail of their own, answered when `sync` asks for it.
     */
    const sendRows = (
      rows: RowBatch | RequestRows,
      datasetId: string,
      sync: SyncMode | undefined,
    ): Effect.Effect<void, LoggerClosedError | RowsDroppedError | unknown> =>
      Effect.gen(function* () {
        const count = rows._tag === "RowBatch" ? rows.rows.length : rows.multiple.data.length
        const handOver = Effect.gen(function* () {
          const taken = yield* admission.admitEffect(datasetId, count, false)
          if (taken === 0) return { taken, reply: undefined }
          const reply = sync === undefined ? undefined : yield* Deferred.make<void, unknown>()
          const sent: Rows = taken === count ? rows : firstRows(rows, taken)
          port.flush()
          yield* port.send({ _tag: "Rows", rows: sent, permits: admission.permitsFor(taken), sync, reply })
          return { taken, reply }
        })
        const { taken, reply } = yield* admission.inTransit(handOver)
        if (reply !== undefined) yield* Deferred.await(reply)
        if (taken < count && sync !== undefined)
          return yield* Effect.fail(
            new RowsDroppedError({ datasetId, reason: "queue-full", count: count - taken }),
          )
      })

    const log: RollingLoggerService["log"] = (data, logOptions) =>
      Effect.suspend(() => {
        if (!admission.open) return Effect.fail(new LoggerClosedError())
        const rows = Array.isArray(data) ? data : [data]
        if (rows.length === 0) return Effect.void
        return Effect.flatMap(timestampOf(logOptions?.timestamp), (timestamp) => {
          const datasetId = logOptions?.datasetId ?? defaultDatasetId ?? ""
          const batch: RowBatch = { _tag: "RowBatch", rows, datasetId, timestamp }
          return sendRows(batch, datasetId, syncModeOf(logOptions?.sync))
        })
      }) as Effect.Effect<void, LoggerClosedError | RowsDroppedError>

    const logRequest: RollingLoggerService["logRequest"] = (request, requestOptions) =>
      Effect.suspend(() => {
        if (!admission.open) return Effect.fail(new LoggerClosedError())
        if (request.multiple.data.length === 0) return Effect.void
        return Effect.flatMap(timestampOf(request.timestamp), (timestamp) => {
          const rows: RequestRows = {
            _tag: "LogRequest",
            datasetId: request.datasetId,
            timestamp,
            multiple: request.multiple,
          }
          return sendRows(rows, request.datasetId, syncModeOf(requestOptions?.sync))
        })
      }) as Effect.Effect<void, LoggerClosedError | RowsDroppedError>

    const askStatus: Effect.Effect<ActorStatus> = Effect.suspend(() =>
      finalStatus !== undefined
        ? Effect.succeed(finalStatus)
        : Effect.orDie(ask<ActorStatus>((reply) => ({ _tag: "Status", reply }))),
    )

    const status: Effect.Effect<LoggerStatus> = Effect.map(askStatus, (actor) => statusOf(sources, actor))

    const flush: Effect.Effect<FlushResult, LoggerClosedError> = Effect.suspend(() =>
      admission.open
        ? (ask<FlushResult>((reply) => ({ _tag: "Flush", reply })) as Effect.Effect<
            FlushResult,
            LoggerClosedError
          >)
        : Effect.fail(new LoggerClosedError()),
    )

    const settle: Effect.Effect<void, LoggerClosedError> = Effect.suspend(() =>
      admission.open
        ? Effect.orDie(ask<void>((reply) => ({ _tag: "Settle", reply })))
        : Effect.fail(new LoggerClosedError()),
    )

    const close: Effect.Effect<FlushResult> = Effect.suspend(() => {
      if (!admission.open) return Deferred.await(closeResult)
      admission.open = false
      state = "closing"
      return Effect.gen(function* () {
        yield* admission.idle(port.flush)
        const reply = yield* Effect.orDie(ask<CloseReply>((reply) => ({ _tag: "Close", reply })))
        finalStatus = reply.status
        yield* port.done
        admission.publishDrops()
        state = "closed"
        yield* Deferred.succeed(closeResult, reply.result)
        return reply.result
      })
    })

    const service: RollingLoggerService = { log, logRequest, flush, status, settle, close }
    const worker = workerOf.get(port)
    if (worker !== undefined) workerOf.set(service, worker)

    /** The Promise face's rows, once admitted: into the row buffer, handed over soon. */
    const bufferRows = (
      data: unknown,
      rows: ReadonlyArray<unknown> | undefined,
      taken: number,
      datasetId: string,
      timestamp: number,
    ) => {
      const permits = admission.permitsFor(taken)
      if (rows === undefined) buffer.addOne(data, datasetId, timestamp, permits)
      else buffer.add(rows, 0, taken, datasetId, timestamp, permits)
      port.buffered()
    }

    /** A columnar batch, once admitted: posted at once (it is a batch already). */
    const postColumns = (rows: ColumnarRows, taken: number) =>
      port.post({
        _tag: "Rows",
        rows,
        permits: admission.permitsFor(taken),
        sync: undefined,
        reply: undefined,
      })

    // The Promise face admits through the same door as the Effect face; nothing is allocated for
    // rows taken at once (the closures below exist only while block mode waits for room).
    const fast: LoggerFastPath = {
      status: () => statusOf(sources, finalStatus ?? port.peek() ?? EMPTY_ACTOR),
      push: (data, isArray, datasetIdOption, timestamp) => {
        const datasetId = datasetIdOption ?? defaultDatasetId ?? ""
        const rows = isArray ? (data as ReadonlyArray<unknown>) : undefined
        const count = rows === undefined ? 1 : rows.length
        const taken = admission.door(datasetId, count, false)
        if (taken > 0) bufferRows(data, rows, taken, datasetId, timestamp)
        return taken === MUST_WAIT
          ? admission.waitFor(count, () => bufferRows(data, rows, count, datasetId, timestamp), port.flush)
          : admission.answer(taken)
      },
      // Columns cannot be cut at a row (a row's cells are not lined up across columns): a batch goes
      // in whole or not at all.
      pushColumns: (rows) => {
        const taken = admission.door(rows.datasetId, rows.count, true)
        if (taken > 0) postColumns(rows, taken)
        return taken === MUST_WAIT
          ? admission.waitFor(rows.count, () => postColumns(rows, rows.count), port.flush)
          : admission.answer(taken)
      },
    }

    return { service, fast, localProfileDir: settings.localProfileDir }
  })
