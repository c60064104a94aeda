import { Worker } from "node:worker_threads"
import { Deferred, Duration, Effect, Runtime, type Scope } from "effect"
import { DatasetProfileView } from "../../../profile/DatasetProfileView.js"
import { ProfileSegment } from "../../../profile/Segment.js"
import { TimeBucket } from "../../../profile/TimeBucket.js"
import { RowsDropped, type SessionEvent } from "../../../session/SessionEvent.js"
import type { JobOutcome, WriteSettlement } from "../../../writers/WriteOutcome.js"
import type { ProfileWrite, Writer } from "../../../writers/Writer.js"
import type { WriterPipeline } from "../../../writers/WriterPipeline.js"
import { LoggerClosedError, RowsDroppedError, WriteFailedError } from "../../LoggerError.js"
import { LoggerDefaults, type RollingLoggerOptions } from "../../LoggerOptions.js"
import type { DropReason } from "../../LoggerStatus.js"
import type { DatasetConfig } from "../DatasetConfig.js"
import type { ActorPort } from "../InThreadPort.js"
import { type ActorStatus, isRowsMail, type Mail } from "../Mail.js"
import type { RowBudget } from "../RowBudget.js"
import type { RowBuffer } from "../RowBuffer.js"
import { type ColumnarRows, cloneableColumn, packRows } from "./ColumnarRows.js"
import type { FromWorker, PlainOutcome, PlainRows, PlainWrite, ToWorker } from "./protocol.js"
import { workerSpec } from "./workerSpec.js"

/** What the worker port needs from the logger's front. */
export interface WorkerPortConfig {
  readonly options: RollingLoggerOptions
  readonly base: DatasetConfig
  readonly configFor: (datasetId: string) => DatasetConfig
  readonly writersFor: (datasetId: string) => ReadonlyArray<Writer>
  readonly pipeline: WriterPipeline
  readonly budget: RowBudget
  readonly buffer: RowBuffer
  readonly publish: (event: SessionEvent) => Effect.Effect<void>
  readonly defaultDatasetId: string | undefined
  readonly noteError: (message: string) => void
  readonly counters: { droppedByReason: Partial<Record<DropReason, number>> }
  readonly batchSize: number
  readonly batchWindow: Duration.Duration
  readonly closeTimeout: Duration.Duration
  readonly queueCapacity: number
}

/** A call waiting for the worker's answer. */
interface PendingCall {
  readonly post: ToWorker
  readonly reply: Deferred.Deferred<unknown, unknown>
  /** Rows calls are not re-sent after a crash: their rows were lost with the worker. */
  readonly rows: { readonly datasetId: string; readonly count: number } | undefined
}

/**
 * The worker behind a logger's port or service, for tests that need to crash it (internal: not
 * exported from the package).
 */
export const workerOf = new WeakMap<object, () => Worker | undefined>()

const plainOutcome = (outcome: JobOutcome): PlainOutcome =>
  outcome._tag === "Stored"
    ? { _tag: "Stored", writer: outcome.writer, destination: outcome.destination }
    : { _tag: outcome._tag, writer: outcome.writer, error: { message: outcome.error.message } }

/** A typed error back from its plain form. */
const typedError = (error: Record<string, unknown> | undefined): unknown => {
  switch (error?._tag) {
    case "RowsDroppedError":
      return new RowsDroppedError({
        datasetId: String(error.datasetId ?? ""),
        reason: String(error.reason ?? ""),
        count: Number(error.count ?? 0),
      })
    case "WriteFailedError":
      return new WriteFailedError({ failures: (error.failures as WriteFailedError["failures"]) ?? [] })
    case "LoggerClosedError":
      return new LoggerClosedError()
    default:
      return new Error(String(error?.message ?? "the logger's worker failed"))
  }
}

/** A profile from the worker; its view is read from the bytes only when a writer asks for it. */
const profileWrite = (plain: PlainWrite): ProfileWrite => {
  let view: DatasetProfileView | undefined
  return {
    datasetId: plain.datasetId,
    bucket: new TimeBucket(plain.bucketStart, plain.granularity),
    segment:
      plain.segment === null ? undefined : new ProfileSegment(plain.segment.columns, plain.segment.values),
    bytes: plain.bytes,
    rows: plain.rows,
    get view() {
      view ??= DatasetProfileView.deserialize(plain.bytes)
      return view
    },
  }
}

/**
 * The actor in a `worker_threads` worker. The caller's thread only buffers rows and posts them (every
 * `postEveryMillis` or `postRows` rows); the worker profiles them and posts profiles back as bytes,
 * which this thread's writer pipeline stores, so writers, sessions and the outbox stay on the
 * caller's side. The worker is unref'd except while a call waits for it. A worker that dies is
 * restarted; rows it held (posted and not yet handed back in a profile) are reported dropped with
 * reason `worker-crash`, calls in flight are sent again to the new worker, `sync` calls whose rows
 * were lost reject.
 */
export const startWorkerPort = (config: WorkerPortConfig): Effect.Effect<ActorPort, never, Scope.Scope> =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const run = Runtime.runFork(runtime)
    const postEvery = config.options.worker?.postEveryMillis ?? LoggerDefaults.postEveryMillis
    const postRows = Math.min(
      config.options.worker?.postRows ?? LoggerDefaults.postRows,
      config.queueCapacity,
    )
    const maxRestarts = config.options.worker?.maxRestarts ?? LoggerDefaults.maxRestarts

    let worker: Worker | undefined
    let restarts = 0
    let closing = false
    let failed = false
    let nextId = 1
    const calls = new Map<number, PendingCall>()
    const configured = new Set<string>()
    /** Rows posted to the worker and not yet handed back in a profile or reported dropped, by dataset. */
    const inWorker = new Map<string, number>()
    let permitsInWorker = 0
    const exited = yield* Deferred.make<void>()
    let timer: NodeJS.Timeout | undefined
    let snapshot: ActorStatus | undefined
    let lastWorkerError: string | undefined

    let referenced = false
    /**
     * The worker keeps the process alive only while someone waits for it: a call, rows it has not
     * profiled yet (a caller may await room for more), closing. Idle, it is unref'd.
     */
    const holdOpen = () => {
      if (worker === undefined) return
      const wanted = calls.size > 0 || closing || permitsInWorker > 0 || config.budget.waiting > 0
      if (wanted === referenced) return
      referenced = wanted
      if (wanted) worker.ref()
      else worker.unref()
    }

    const post = (message: ToWorker) => worker?.postMessage(message)

    const ensureConfig = (datasetId: string) => {
      const id = datasetId.length === 0 ? (config.defaultDatasetId ?? "") : datasetId
      if (id.length === 0 || configured.has(id)) return
      configured.add(id)
      post({ t: "config", datasetId: id, config: config.configFor(id) })
    }

    const countIn = (datasetId: string, count: number) =>
      inWorker.set(datasetId, (inWorker.get(datasetId) ?? 0) + count)
    const countOut = (datasetId: string, count: number) => {
      const left = (inWorker.get(datasetId) ?? 0) - count
      if (left > 0) inWorker.set(datasetId, left)
      else inWorker.delete(datasetId)
    }
    const datasetKey = (id: string | undefined) => id ?? config.defaultDatasetId ?? ""

    /** Posts a rows message, first sending the config of every dataset it names. */
    const postRowsMessage = (
      message: PlainRows,
      permits: number,
      id?: number,
      sync?: "tracked" | "written",
    ) => {
      if (message._tag === "LogBatch") {
        const ids = message.datasetIds as ReadonlyArray<string> | undefined
        if (ids === undefined) {
          const key = datasetKey(message.datasetId as string | undefined)
          ensureConfig(key)
          countIn(key, (message.rows as ReadonlyArray<unknown>).length)
        } else {
          let last: string | undefined
          let run = 0
          for (const raw of ids) {
            const key = datasetKey(raw)
            if (key === last) {
              run++
              continue
            }
            if (last !== undefined) countIn(last, run)
            ensureConfig(key)
            last = key
            run = 1
          }
          if (last !== undefined) countIn(last, run)
        }
      } else if (message._tag === "ColumnRows") {
        const key = datasetKey(message.datasetId as string | undefined)
        ensureConfig(key)
        countIn(key, message.count as number)
      } else {
        const key = String(message.datasetId)
        ensureConfig(key)
        countIn(key, (message.multiple as { data: ReadonlyArray<unknown> }).data.length)
      }
      permitsInWorker += permits
      holdOpen()
      if (message._tag === "ColumnRows") {
        // Already columnar: the arrays are cloned as they are (cells a row could not carry either are
        // sent as the objects the profile counts them as).
        try {
          return post({ t: "rows", message, permits, id, sync })
        } catch {
          const columns = (message.columns as ReadonlyArray<ReadonlyArray<unknown>>).map(cloneableColumn)
          return post({ t: "rows", message: { ...message, columns }, permits, id, sync })
        }
      }
      if (message._tag !== "LogBatch") return post({ t: "rows", message, permits, id, sync })
      // Rows travel packed by column, timestamps as a transferred buffer.
      const rows = message.rows as ReadonlyArray<unknown>
      const timestamps = new Float64Array(rows.length)
      const perRow = message.timestamps as ReadonlyArray<number> | undefined
      if (perRow !== undefined) timestamps.set(perRow)
      else timestamps.fill((message.timestamp as number | undefined) ?? Date.now())
      const packed = packRows(rows)
      const plain = (columns: ColumnarRows["columns"]) => ({
        _tag: "PackedBatch" as const,
        packed: { ...packed, columns },
        datasetId: message.datasetId as string | undefined,
        datasetIds: message.datasetIds as ReadonlyArray<string> | undefined,
        timestamps,
      })
      try {
        worker?.postMessage({ t: "rows", message: plain(packed.columns), permits, id, sync }, [
          timestamps.buffer,
        ])
      } catch {
        // A cell the structured clone refuses (an array holding a function): sent as an object instead,
        // which is how the profile counts such an array anyway.
        worker?.postMessage(
          { t: "rows", message: plain(packed.columns.map(cloneableColumn)), permits, id, sync },
          [timestamps.buffer],
        )
      }
    }

    const flush = () => {
      if (timer !== undefined) {
        clearTimeout(timer)
        timer = undefined
      }
      const taken = config.buffer.take()
      if (taken === undefined) return
      if (failed) {
        dropLost(taken.message.datasetId ?? "", taken.message.rows.length, taken.permits)
        return
      }
      postRowsMessage(taken.message as unknown as PlainRows, taken.permits)
    }

    /** Rows that can no longer be profiled (the worker is gone for good). */
    const dropLost = (datasetId: string, count: number, permits: number) => {
      config.budget.release(permits)
      config.counters.droppedByReason["worker-crash"] =
        (config.counters.droppedByReason["worker-crash"] ?? 0) + count
      run(config.publish(new RowsDropped({ datasetId, count, reason: "worker-crash" })))
    }

    const settle = (id: number, wait: Effect.Effect<WriteSettlement>) =>
      run(
        Effect.map(wait, (settlement) =>
          post({ t: "settled", id, outcomes: settlement.outcomes.map(plainOutcome) }),
        ),
      )

    const onMessage = (message: FromWorker) => {
      switch (message.t) {
        case "ready":
          return
        case "snapshot":
          snapshot = message.status
          return
        case "release":
          permitsInWorker = Math.max(0, permitsInWorker - message.permits)
          config.budget.release(message.permits)
          holdOpen()
          return
        case "dropped":
          countOut(message.datasetId, message.count)
          run(
            config.publish(
              new RowsDropped({ datasetId: message.datasetId, count: message.count, reason: message.reason }),
            ),
          )
          return
        case "write": {
          const writes = message.writes.map(profileWrite)
          for (const write of writes) countOut(write.datasetId, write.rows)
          const byDataset = new Map<string, ProfileWrite[]>()
          for (const write of writes) {
            const list = byDataset.get(write.datasetId)
            if (list === undefined) byDataset.set(write.datasetId, [write])
            else list.push(write)
          }
          settle(
            message.id,
            Effect.gen(function* () {
              const waits: Array<Effect.Effect<WriteSettlement>> = []
              for (const [datasetId, list] of byDataset)
                waits.push(yield* config.pipeline.submit(list, config.writersFor(datasetId)))
              const settlements = yield* Effect.all(waits)
              return { outcomes: settlements.flatMap((s) => s.outcomes) }
            }),
          )
          return
        }
        case "sink": {
          const { pipeline } = config
          const wait =
            message.op === "replay"
              ? Effect.flatten(
                  pipeline.replay((entry) =>
                    config.writersFor(entry.datasetId).find((w) => w.name === entry.writer),
                  ),
                )
              : message.op === "settle"
                ? pipeline.settle
                : pipeline.drain(Duration.millis(message.timeoutMillis ?? 0))
          settle(message.id, wait)
          return
        }
        case "reply": {
          const call = calls.get(message.id)
          if (call === undefined) return
          calls.delete(message.id)
          holdOpen()
          run(
            message.ok
              ? Deferred.succeed(call.reply, message.value)
              : Deferred.fail(call.reply, typedError(message.error)),
          )
          return
        }
      }
    }

    const spawn = () => {
      const spec = workerSpec()
      const created = new Worker(spec.entry, { ...spec.options, name: "sketchlog-logger" })
      worker = created
      created.on("message", onMessage)
      created.on("error", (error) => {
        lastWorkerError = error.message
        config.noteError(`the logger's worker failed: ${error.message}`)
      })
      created.on("exit", (code) => onExit(created, code))
      created.postMessage({
        t: "init",
        base: config.base,
        defaultDatasetId: config.defaultDatasetId,
        batchSize: config.batchSize,
        batchWindowMillis: Duration.toMillis(config.batchWindow),
        closeTimeoutMillis: Duration.toMillis(config.closeTimeout),
        queueCapacity: config.queueCapacity,
      } satisfies ToWorker)
      configured.clear()
      referenced = false
      created.unref()
      holdOpen()
    }

    const onExit = (exitedWorker: Worker, code: number) => {
      if (exitedWorker !== worker) return
      if (closing && calls.size === 0) {
        worker = undefined
        run(Deferred.succeed(exited, undefined))
        return
      }
      // A crash: report what the worker held, restart it, and send the calls in flight again.
      config.noteError(
        `the logger's worker stopped (exit code ${code}${lastWorkerError === undefined ? "" : `: ${lastWorkerError}`})`,
      )
      for (const [datasetId, count] of inWorker) {
        config.counters.droppedByReason["worker-crash"] =
          (config.counters.droppedByReason["worker-crash"] ?? 0) + count
        run(config.publish(new RowsDropped({ datasetId, count, reason: "worker-crash" })))
      }
      inWorker.clear()
      config.budget.release(permitsInWorker)
      permitsInWorker = 0
      for (const [id, call] of calls) {
        if (call.rows === undefined) continue
        calls.delete(id)
        run(
          Deferred.fail(
            call.reply,
            new RowsDroppedError({
              datasetId: call.rows.datasetId,
              reason: "worker-crash",
              count: call.rows.count,
            }),
          ),
        )
      }
      restarts++
      if (restarts > maxRestarts) {
        failed = true
        worker = undefined
        config.noteError(
          `the logger's worker crashed ${restarts} times${lastWorkerError === undefined ? "" : ` (${lastWorkerError})`}; rows are dropped from now on`,
        )
        for (const [id, call] of calls) {
          calls.delete(id)
          run(Deferred.succeed(call.reply, answerWithoutWorker(call.post)))
        }
        flush()
        run(Deferred.succeed(exited, undefined))
        return
      }
      spawn()
      for (const call of calls.values()) post(call.post)
    }

    spawn()

    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        if (timer !== undefined) clearTimeout(timer)
        if (worker !== undefined && !closing) {
          closing = true
          void worker.terminate()
        }
      }),
    )

    const answerWithoutWorker = (message: ToWorker): unknown => {
      const status: ActorStatus = snapshot ?? { profiled: 0, droppedByReason: {}, buckets: [] }
      const empty = { profiles: 0, rows: 0, stored: 0, failures: [], replayed: 0 }
      if (message.t !== "call") return undefined
      switch (message.message) {
        case "Close":
          return { result: empty, status: { ...status, buckets: [] } }
        case "Flush":
          return empty
        case "Status":
          return status
        default:
          return undefined
      }
    }

    const call = (
      make: (id: number) => ToWorker,
      reply: Deferred.Deferred<unknown, unknown>,
      rows?: PendingCall["rows"],
    ) =>
      Effect.sync(() => {
        const id = nextId++
        const message = make(id)
        if (failed) {
          // Nothing can be profiled or written any more: answer here, so flush and close still end.
          run(Deferred.succeed(reply, answerWithoutWorker(message)))
          return
        }
        calls.set(id, { post: message, reply, rows })
        holdOpen()
        post(message)
      })

    const self: ActorPort = {
      send: (mail: Mail) => {
        if (isRowsMail(mail)) {
          const message = mail.message as unknown as PlainRows
          const count =
            mail.message._tag === "LogBatch"
              ? mail.message.rows.length
              : mail.message._tag === "LogRequest"
                ? mail.message.multiple.data.length
                : 1
          const datasetId =
            mail.message._tag === "LogBatch"
              ? (mail.message.datasetIds?.[0] ?? mail.message.datasetId ?? "")
              : (mail.message.datasetId ?? "")
          if (failed) {
            return Effect.sync(() => {
              dropLost(datasetId, count, mail.permits)
              const reply = mail.reply as Deferred.Deferred<unknown, unknown> | undefined
              if (reply !== undefined)
                run(Deferred.fail(reply, new RowsDroppedError({ datasetId, reason: "worker-crash", count })))
            })
          }
          if (mail.reply === undefined) return Effect.sync(() => postRowsMessage(message, mail.permits))
          const reply = mail.reply as Deferred.Deferred<unknown, unknown>
          return Effect.sync(() => {
            const id = nextId++
            calls.set(id, {
              post: { t: "rows", message, permits: mail.permits, id, sync: mail.sync },
              reply,
              rows: { datasetId, count },
            })
            holdOpen()
            postRowsMessage(message, mail.permits, id, mail.sync)
          })
        }
        const tag = mail.message._tag
        if (tag === "ScheduledWrite") return Effect.void
        if (tag === "Close") {
          closing = true
          holdOpen()
          return call(
            (id) => ({ t: "call", id, message: "Close" }),
            mail.reply as Deferred.Deferred<unknown, unknown>,
          ).pipe(
            Effect.zipRight(
              Effect.sync(() => {
                // Once the worker has answered Close, end it; its exit then completes `done`.
                run(
                  Deferred.await(mail.reply as Deferred.Deferred<unknown, unknown>).pipe(
                    Effect.ignore,
                    Effect.zipRight(
                      Effect.sync(() => (worker === undefined ? undefined : void worker.terminate())),
                    ),
                  ),
                )
                if (worker === undefined) run(Deferred.succeed(exited, undefined))
              }),
            ),
          )
        }
        return call(
          (id) => ({ t: "call", id, message: tag }),
          mail.reply as Deferred.Deferred<unknown, unknown>,
        )
      },
      post: (mail) => {
        flush()
        const message = mail.message as unknown as PlainRows
        if (failed) {
          const count = message._tag === "ColumnRows" ? (message.count as number) : 1
          dropLost(datasetKey(message.datasetId as string | undefined), count, mail.permits)
          return
        }
        postRowsMessage(message, mail.permits)
      },
      buffered: () => {
        if (config.buffer.size >= postRows) return flush()
        if (timer === undefined) {
          timer = setTimeout(() => {
            timer = undefined
            flush()
          }, postEvery)
          timer.unref()
        }
      },
      flush,
      done: Deferred.await(exited),
      peek: () => snapshot,
      worker: () => ({ threadId: worker?.threadId, restarts }),
    }
    workerOf.set(self, () => worker)
    return self
  })
