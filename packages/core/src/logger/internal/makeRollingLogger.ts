import { join } from "node:path"
import { Clock, Deferred, Duration, Effect, ExecutionStrategy, Option, Scope } from "effect"
import { causeText } from "../../internal/causeText.js"
import { RetryPolicy } from "../../platform/RetryPolicy.js"
import { printLine } from "../../node/promiseRuntime.js"
import { RowsDropped } from "../../session/SessionEvent.js"
import type { SessionService } from "../../session/SessionService.js"
import { StoreWriter } from "../../store/StoreWriter.js"
import { resolveStoreUrl } from "../../store/storeUrl.js"
import { LocalWriter } from "../../writers/LocalWriter.js"
import { Outbox } from "../../writers/Outbox.js"
import { WhyLabsWriter } from "../../writers/WhyLabsWriter.js"
import type { WriteSettlement } from "../../writers/WriteOutcome.js"
import type { ProfileWrite, Writer } from "../../writers/Writer.js"
import { WriterPipeline } from "../../writers/WriterPipeline.js"
import type { FlushResult } from "../FlushResult.js"
import { LoggerClosedError, LoggerOptionsError, RowsDroppedError } from "../LoggerError.js"
import { Close, Flush, LogBatch, LogRequest, Settle, Status } from "../LoggerMessage.js"
import { LoggerDefaults, type RollingLoggerOptions } from "../LoggerOptions.js"
import type { DropReason, LoggerStatus } from "../LoggerStatus.js"
import type { LogOptions, RollingLoggerService } from "../RollingLoggerService.js"
import type { ActorSink } from "./Actor.js"
import { type DatasetConfig, resolveDatasetConfig } from "./DatasetConfig.js"
import { type ActorPort, startInThreadPort } from "./InThreadPort.js"
import type { ActorStatus, CloseReply, ColumnRows, Mail, SyncMode } from "./Mail.js"
import { RowBudget } from "./RowBudget.js"
import { RowBuffer } from "./RowBuffer.js"
import { startWorkerPort, workerOf } from "./worker/WorkerPort.js"

/** What the Promise face uses besides the service: the synchronous paths. */
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
  readonly pushColumns: (rows: ColumnRows) => Promise<void>
  /** The status now: exact on this thread's side, the actor's part as of its latest report. */
  readonly status: () => LoggerStatus
}

/** Returned for every row taken at once: no promise is allocated per call. */
const TAKEN: Promise<void> = Promise.resolve()

/** A rejection the caller may observe but that never becomes an unhandled rejection. */
const handledRejection = (error: unknown): Promise<never> => {
  const promise = Promise.reject(error)
  promise.catch(() => undefined)
  return promise
}

const EMPTY_ACTOR: ActorStatus = { profiled: 0, droppedByReason: {}, buckets: [] }

/** The service and its fast path. */
export interface RollingLoggerEngine {
  readonly service: RollingLoggerService
  readonly fast: LoggerFastPath
}

/** Everything the logger needs from its surroundings. */
export interface LoggerEnvironment {
  readonly session: SessionService
}

const syncModeOf = (sync: LogOptions["sync"]): SyncMode | undefined =>
  sync === true || sync === "tracked" ? "tracked" : sync === "written" ? "written" : undefined

const timestampOf = (timestamp: number | Date | undefined): Effect.Effect<number> =>
  timestamp === undefined
    ? Clock.currentTimeMillis
    : Effect.succeed(timestamp instanceof Date ? timestamp.getTime() : timestamp)

const positiveInteger = (option: string, value: number | undefined, fallback: number): number => {
  const n = value ?? fallback
  if (!Number.isInteger(n) || n < 1)
    throw new LoggerOptionsError({ option, reason: `must be a positive integer, got ${value}` })
  return n
}

const duration = (
  option: string,
  value: Duration.DurationInput | undefined,
  fallback: Duration.DurationInput,
) => {
  const decoded = Duration.decodeUnknown(value ?? fallback)
  if (Option.isNone(decoded))
    throw new LoggerOptionsError({ option, reason: `is not a duration: ${String(value)}` })
  return decoded.value
}

/** Checks the writers of one dataset: at least one, each with a `write` and a name unique among them. */
const checkWriters = (option: string, writers: ReadonlyArray<Writer>): ReadonlyArray<Writer> => {
  if (!Array.isArray(writers) || writers.length === 0)
    throw new LoggerOptionsError({ option, reason: "give at least one writer" })
  const names = new Set<string>()
  for (const writer of writers) {
    if (typeof writer?.write !== "function" || typeof writer.name !== "string" || writer.name.length === 0)
      throw new LoggerOptionsError({ option, reason: "a writer needs a name and a write function" })
    if (names.has(writer.name))
      throw new LoggerOptionsError({ option, reason: `two writers are named ${JSON.stringify(writer.name)}` })
    names.add(writer.name)
  }
  return writers
}

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
    const settings = yield* Effect.try({
      try: () => {
        const base = resolveDatasetConfig(options, undefined)
        if (options.store !== undefined && options.writers !== undefined)
          throw new LoggerOptionsError({
            option: "store",
            reason: "give store or writers, not both (add a StoreWriter to the writers instead)",
          })
        const store = options.writers === undefined ? resolveStoreUrl(options.store) : undefined
        const defaultWriters =
          store !== undefined
            ? [new StoreWriter({ store })]
            : options.writers === undefined
              ? session.kind === "local"
                ? [new LocalWriter({ dir: LoggerDefaults.localDir })]
                : [new WhyLabsWriter({ session })]
              : checkWriters("writers", options.writers)
        // A directory store keeps its outbox inside, as LocalWriter does (hidden entries are not listed).
        const firstLocal =
          store !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(store)
            ? { dir: store }
            : defaultWriters.find((w): w is LocalWriter => w instanceof LocalWriter)
        const outboxDir =
          options.outboxDir === false
            ? undefined
            : (options.outboxDir ?? join(firstLocal?.dir ?? LoggerDefaults.localDir, ".outbox"))
        const overflow = options.overflow ?? LoggerDefaults.overflow
        if (overflow !== "block" && overflow !== "drop")
          throw new LoggerOptionsError({
            option: "overflow",
            reason: `must be "block" or "drop", got ${String(overflow)}`,
          })
        const mode = options.mode ?? LoggerDefaults.mode
        if (mode !== "in-thread" && mode !== "worker")
          throw new LoggerOptionsError({
            option: "mode",
            reason: `must be "in-thread" or "worker", got ${String(mode)}`,
          })
        return {
          base,
          defaultWriters,
          outboxDir,
          overflow,
          mode,
          queueCapacity: positiveInteger(
            "queueCapacity",
            options.queueCapacity,
            LoggerDefaults.queueCapacity,
          ),
          batchSize: positiveInteger("batchSize", options.batchSize, LoggerDefaults.batchSize),
          batchWindow: duration("batchWindow", options.batchWindow, LoggerDefaults.batchWindow),
          closeTimeout: duration("closeTimeout", options.closeTimeout, LoggerDefaults.closeTimeout),
          retry: RetryPolicy.merge(RetryPolicy.writes, options.retry),
          defaultDatasetId: options.datasetId ?? session.defaultDatasetId,
        }
      },
      catch: (error) =>
        error instanceof LoggerOptionsError
          ? error
          : new LoggerOptionsError({ option: "options", reason: String(error) }),
    })

    const outbox = settings.outboxDir === undefined ? undefined : new Outbox(settings.outboxDir)
    const pipeline = yield* WriterPipeline.make({ outbox, retry: settings.retry, publish: session.publish })

    // Writers per dataset: the factory's (checked once per dataset), else the logger's.
    const writersByDataset = new Map<string, ReadonlyArray<Writer>>()
    const writersFor = (datasetId: string): ReadonlyArray<Writer> => {
      let writers = writersByDataset.get(datasetId)
      if (writers === undefined) {
        writers = settings.defaultWriters
        if (options.writerFactory !== undefined) {
          try {
            writers = checkWriters(
              `writerFactory(${JSON.stringify(datasetId)})`,
              options.writerFactory(datasetId),
            )
          } catch (error) {
            printLine("error", `${causeText(error)}; ${datasetId} uses the logger's writers`)
          }
        }
        writersByDataset.set(datasetId, writers)
      }
      return writers
    }

    // Dataset options: the factory's over the logger's, resolved once per dataset.
    const configFor = (datasetId: string): DatasetConfig => {
      if (options.loggerOptions === undefined) return settings.base
      try {
        return resolveDatasetConfig(
          options.loggerOptions(datasetId),
          settings.base,
          `loggerOptions(${JSON.stringify(datasetId)})`,
        )
      } catch (error) {
        printLine("error", `${causeText(error)}; ${datasetId} uses the logger's options`)
        return settings.base
      }
    }

    const budget = new RowBudget(settings.queueCapacity)
    const buffer = new RowBuffer()
    const counters = { received: 0, accepted: 0, droppedByReason: {} as Partial<Record<DropReason, number>> }
    let lastError: { message: string; at: string } | undefined
    const noteError = (message: string) => {
      lastError = { message, at: new Date().toISOString() }
    }

    const sink: ActorSink = {
      write: (writes) =>
        Effect.gen(function* () {
          const byDataset = new Map<string, ProfileWrite[]>()
          for (const write of writes) {
            const list = byDataset.get(write.datasetId)
            if (list === undefined) byDataset.set(write.datasetId, [write])
            else list.push(write)
          }
          const waits: Array<Effect.Effect<WriteSettlement>> = []
          for (const [datasetId, list] of byDataset)
            waits.push(yield* pipeline.submit(list, writersFor(datasetId)))
          return Effect.map(Effect.all(waits), (settlements) => ({
            outcomes: settlements.flatMap((s) => s.outcomes),
          }))
        }),
      replay: pipeline.replay((entry) => writersFor(entry.datasetId).find((w) => w.name === entry.writer)),
      settle: pipeline.settle,
      drain: (timeout) => pipeline.drain(timeout),
      dropped: (datasetId, reason, count) => session.publish(new RowsDropped({ datasetId, count, reason })),
      release: (permits) => budget.release(permits),
    }

    const handOffRows = options.worker?.postRows ?? LoggerDefaults.postRows
    const port: ActorPort =
      settings.mode === "worker"
        ? yield* startWorkerPort({
            options,
            base: settings.base,
            configFor,
            writersFor,
            pipeline,
            budget,
            buffer,
            publish: session.publish,
            defaultDatasetId: settings.defaultDatasetId,
            noteError,
            counters,
            batchSize: settings.batchSize,
            batchWindow: settings.batchWindow,
            closeTimeout: settings.closeTimeout,
            queueCapacity: settings.queueCapacity,
          })
        : yield* startInThreadPort({
            actor: {
              sink,
              configFor,
              defaultDatasetId: settings.defaultDatasetId,
              batchSize: settings.batchSize,
              batchWindow: settings.batchWindow,
              closeTimeout: settings.closeTimeout,
            },
            queueCapacity: settings.queueCapacity,
            buffer,
            handOffRows: Math.min(handOffRows, settings.queueCapacity),
          })

    let intake = true
    let state: LoggerStatus["state"] = "running"
    let finalStatus: ActorStatus | undefined
    const closeResult = yield* Deferred.make<FlushResult>()

    // Queue-full drops are published once per turn of the event loop, per dataset and reason, so an
    // overload does not flood the session's event channel (a subscriber would lose the oldest).
    const pendingDrops = new Map<string, number>()
    let dropsScheduled = false
    const countDrop = (_datasetId: string, reason: DropReason, count: number) => {
      counters.droppedByReason[reason] = (counters.droppedByReason[reason] ?? 0) + count
    }
    const publishDropsSoon = (datasetId: string, reason: DropReason, count: number) => {
      const key = `${reason}\u0000${datasetId}`
      pendingDrops.set(key, (pendingDrops.get(key) ?? 0) + count)
      if (dropsScheduled) return
      dropsScheduled = true
      setImmediate(publishDrops).unref()
    }
    const publishDrops = () => {
      dropsScheduled = false
      const drops = Array.from(pendingDrops)
      pendingDrops.clear()
      for (const [key, n] of drops) {
        const [dropReason, id] = key.split("\u0000") as [string, string]
        Effect.runSync(session.publish(new RowsDropped({ datasetId: id, count: n, reason: dropReason })))
      }
    }

    const ask = <A>(make: (reply: Deferred.Deferred<A, unknown>) => Mail): Effect.Effect<A, unknown> =>
      Effect.gen(function* () {
        const reply = yield* Deferred.make<A, unknown>()
        port.flush()
        yield* port.send(make(reply))
        return yield* Deferred.await(reply)
      })

    // Rows between taking their permits and reaching the port: close waits for them.
    let inTransit = 0
    let idleWaiters: Array<() => void> = []
    const checkIdle = () => {
      if (budget.waiting > 0 || inTransit > 0 || idleWaiters.length === 0) return
      const waiters = idleWaiters
      idleWaiters = []
      for (const wake of waiters) wake()
    }
    budget.onRelease = checkIdle
    /** Resolves once no caller waits for room and no accepted rows are on their way to the port. */
    const noWaiters = Effect.async<void>((resume) => {
      idleWaiters.push(() => resume(Effect.void))
      port.flush()
      checkIdle()
    })

    /**
     * Takes row permits (block: waits; drop: what fits, the rest dropped and reported) and sends the
     * rows that got in; `slice(n)` gives the message for the first n rows.
     */
    const sendRows = (
      rows: number,
      slice: (n: number) => LogBatch | LogRequest,
      datasetId: string,
      sync: SyncMode | undefined,
    ): Effect.Effect<void, LoggerClosedError | RowsDroppedError | unknown> =>
      Effect.gen(function* () {
        counters.received += rows
        let permits: number
        let taken = rows
        if (settings.overflow === "drop") {
          permits = budget.tryTake(rows)
          taken = Math.min(permits, rows)
          if (taken < rows) {
            countDrop(datasetId, "queue-full", rows - taken)
            publishDropsSoon(datasetId, "queue-full", rows - taken)
            if (taken === 0) {
              if (sync !== undefined)
                return yield* Effect.fail(
                  new RowsDroppedError({ datasetId, reason: "queue-full", count: rows }),
                )
              return
            }
          }
        } else {
          inTransit++
          yield* budget.take(rows).pipe(Effect.onInterrupt(() => Effect.sync(() => inTransit--)))
          inTransit--
          permits = budget.permitsFor(rows)
        }
        counters.accepted += taken
        const message = slice(taken)
        port.flush()
        const reply = sync === undefined ? undefined : yield* Deferred.make<void, unknown>()
        yield* port.send({ message, permits, sync, reply })
        checkIdle()
        if (reply !== undefined) yield* Deferred.await(reply)
        if (taken < rows && sync !== undefined)
          return yield* Effect.fail(
            new RowsDroppedError({ datasetId, reason: "queue-full", count: rows - taken }),
          )
      })

    const log: RollingLoggerService["log"] = (data, logOptions) =>
      Effect.suspend(() => {
        if (!intake) return Effect.fail(new LoggerClosedError())
        const rows = (Array.isArray(data) ? data : [data]) as LogBatch["rows"]
        if (rows.length === 0) return Effect.void
        return Effect.flatMap(timestampOf(logOptions?.timestamp), (timestamp) => {
          const datasetId = logOptions?.datasetId ?? settings.defaultDatasetId ?? ""
          const slice = (n: number) =>
            new LogBatch({ rows: n === rows.length ? rows : rows.slice(0, n), datasetId, timestamp }, true)
          return sendRows(rows.length, slice, datasetId, syncModeOf(logOptions?.sync))
        })
      }) as Effect.Effect<void, LoggerClosedError | RowsDroppedError>

    const logRequest: RollingLoggerService["logRequest"] = (request, requestOptions) =>
      Effect.suspend(() => {
        if (!intake) return Effect.fail(new LoggerClosedError())
        const rows = request.multiple.data.length
        if (rows === 0) return Effect.void
        return Effect.flatMap(
          request.timestamp === undefined || request.timestamp === null
            ? Clock.currentTimeMillis
            : Effect.succeed(request.timestamp),
          (timestamp) => {
            const slice = (n: number) =>
              n === rows && request instanceof LogRequest && request.timestamp === timestamp
                ? request
                : new LogRequest(
                    {
                      datasetId: request.datasetId,
                      timestamp,
                      multiple: {
                        columns: request.multiple.columns,
                        data: request.multiple.data.slice(0, n),
                      },
                      orgId: request.orgId,
                    },
                    true,
                  )
            return sendRows(rows, slice, request.datasetId, syncModeOf(requestOptions?.sync))
          },
        )
      }) as Effect.Effect<void, LoggerClosedError | RowsDroppedError>

    const askStatus: Effect.Effect<ActorStatus> = Effect.suspend(
      (): Effect.Effect<ActorStatus> =>
        finalStatus !== undefined
          ? Effect.succeed(finalStatus)
          : ask<ActorStatus>((reply) => ({
              message: new Status(),
              reply: reply as unknown as Deferred.Deferred<ActorStatus>,
            })).pipe(Effect.orDie),
    )

    const statusOf = (actor: ActorStatus): LoggerStatus => {
      const writers = pipeline.writers()
      const droppedByReason: Partial<Record<DropReason, number>> = { ...counters.droppedByReason }
      for (const [reason, n] of Object.entries(actor.droppedByReason) as Array<[DropReason, number]>)
        droppedByReason[reason] = (droppedByReason[reason] ?? 0) + n
      if (pipeline.lostRows > 0)
        droppedByReason["write-failed"] = (droppedByReason["write-failed"] ?? 0) + pipeline.lostRows
      const latest = [lastError, ...writers.map((w) => w.lastError)]
        .filter((e) => e !== undefined)
        .sort((a, b) => (a.at < b.at ? 1 : -1))[0]
      return {
        state,
        mode: settings.mode,
        overflow: settings.overflow,
        queue: { rows: budget.used, capacity: budget.capacity, waiting: budget.waiting },
        rows: {
          received: counters.received,
          accepted: counters.accepted,
          profiled: actor.profiled,
          dropped: Object.values(droppedByReason).reduce((a, b) => a + (b ?? 0), 0),
          droppedByReason,
        },
        buckets: actor.buckets,
        writes: {
          pending: pipeline.pending,
          stored: writers.reduce((n, w) => n + w.stored, 0),
          failed: writers.reduce((n, w) => n + w.failed, 0),
        },
        writers,
        outbox: outbox === undefined ? undefined : { dir: outbox.dir, ...pipeline.outboxSummary() },
        worker: port.worker(),
        lastError: latest,
      }
    }

    const status: Effect.Effect<LoggerStatus> = Effect.map(askStatus, statusOf)

    const flush: Effect.Effect<FlushResult, LoggerClosedError> = Effect.suspend(() =>
      intake
        ? (ask<FlushResult>((reply) => ({ message: new Flush(), reply })) as Effect.Effect<
            FlushResult,
            LoggerClosedError
          >)
        : Effect.fail(new LoggerClosedError()),
    )

    const settle: Effect.Effect<void, LoggerClosedError> = Effect.suspend(() =>
      intake
        ? Effect.orDie(
            ask<void>((reply) => ({
              message: new Settle(),
              reply: reply as unknown as Deferred.Deferred<void>,
            })),
          )
        : Effect.fail(new LoggerClosedError()),
    )

    const close: Effect.Effect<FlushResult> = Effect.suspend(() => {
      if (!intake) return Deferred.await(closeResult)
      intake = false
      state = "closing"
      return Effect.gen(function* () {
        yield* noWaiters
        const reply = (yield* ask<CloseReply>((r) => ({
          message: new Close(),
          reply: r as unknown as Deferred.Deferred<CloseReply>,
        })).pipe(Effect.orDie)) as CloseReply
        finalStatus = reply.status
        yield* port.done
        publishDrops()
        state = "closed"
        yield* Deferred.succeed(closeResult, reply.result)
        return reply.result
      })
    })

    const service: RollingLoggerService = { log, logRequest, flush, status, settle, close }
    const worker = workerOf.get(port)
    if (worker !== undefined) workerOf.set(service, worker)

    /**
     * Block mode: `enter` the rows now if the queue has room for `count`, or else hand what is buffered
     * over (so the actor can free room) and let the caller wait until they are entered.
     */
    const enterOrWait = (count: number, enter: () => void): Promise<void> => {
      let resolveWait: (() => void) | undefined
      const now = budget.takeOrWait(count, () => {
        enter()
        resolveWait?.()
      })
      if (now) {
        enter()
        return TAKEN
      }
      port.flush()
      return new Promise<void>((resolve) => {
        resolveWait = resolve
      })
    }

    const fast: LoggerFastPath = {
      status: () => statusOf(finalStatus ?? port.peek() ?? EMPTY_ACTOR),
      pushColumns: (rows) => {
        const datasetId = rows.datasetId
        const count = rows.count
        if (!intake) {
          counters.received += count
          countDrop(datasetId, "closed", count)
          return handledRejection(new LoggerClosedError())
        }
        if (count === 0) return TAKEN
        counters.received += count
        if (settings.overflow === "drop") {
          // Columns cannot be cut at a row (a row's cells are not lined up across columns): the batch
          // goes in whole or not at all.
          const granted = budget.tryTake(count)
          if (granted < count) {
            if (granted > 0) budget.release(granted)
            countDrop(datasetId, "queue-full", count)
            publishDropsSoon(datasetId, "queue-full", count)
            return TAKEN
          }
          counters.accepted += count
          port.post({ message: rows, permits: granted, sync: undefined, reply: undefined })
          return TAKEN
        }
        const permits = budget.permitsFor(count)
        const enter = () => {
          counters.accepted += count
          port.post({ message: rows, permits, sync: undefined, reply: undefined })
        }
        return enterOrWait(count, enter)
      },
      push: (data, isArray, datasetIdOption, timestamp) => {
        const datasetId = datasetIdOption ?? settings.defaultDatasetId ?? ""
        const rows = isArray ? (data as ReadonlyArray<unknown>) : undefined
        const count = rows === undefined ? 1 : rows.length
        if (!intake) {
          counters.received += count
          countDrop(datasetId, "closed", count)
          return handledRejection(new LoggerClosedError())
        }
        if (count === 0) return TAKEN
        counters.received += count
        if (settings.overflow === "drop") {
          const granted = budget.tryTake(count)
          const taken = Math.min(granted, count)
          if (taken < count) {
            countDrop(datasetId, "queue-full", count - taken)
            publishDropsSoon(datasetId, "queue-full", count - taken)
          }
          if (taken === 0) return TAKEN
          counters.accepted += taken
          if (rows === undefined) buffer.addOne(data, datasetId, timestamp, granted)
          else buffer.add(rows, 0, taken, datasetId, timestamp, granted)
          port.buffered()
          return TAKEN
        }
        const permits = budget.permitsFor(count)
        const enter = () => {
          counters.accepted += count
          if (rows === undefined) buffer.addOne(data, datasetId, timestamp, permits)
          else buffer.add(rows, 0, count, datasetId, timestamp, permits)
          port.buffered()
        }
        return enterOrWait(count, enter)
      },
    }

    return { service, fast }
  })
