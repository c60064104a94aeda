import { Worker } from "node:worker_threads"
import { Deferred, Duration, Effect, Runtime, type Scope } from "effect"
import { RowsDropped, type SessionEvent } from "../../../session/SessionEvent.js"
import type { WriteSettlement } from "../../../writers/WriteOutcome.js"
import type { WriterPipeline } from "../../../writers/WriterPipeline.js"
import { cloneableColumn, packRows } from "../../ColumnarRows.js"
import { RowsDroppedError } from "../../LoggerError.js"
import type { ActorPort } from "../ActorPort.js"
import type { LoggerDatasets } from "../LoggerDatasets.js"
import type { LoggerSettings } from "../LoggerSettings.js"
import { type ActorStatus, datasetOfRows, type Mail, type Rows, rowCount, type SyncMode } from "../Mail.js"
import type { RowAdmission } from "../RowAdmission.js"
import type { RowBudget } from "../RowBudget.js"
import type { RowBuffer } from "../RowBuffer.js"
import { plainOutcome, profileWrite } from "./PlainForms.js"
import type { CallOp, FromWorker, ToWorker, WorkerRows } from "./protocol.js"
import { RowsInWorker } from "./RowsInWorker.js"
import { answerWithoutWorker, settle, type Waiting, WorkerCalls } from "./WorkerCalls.js"
import { workerSpec } from "./workerSpec.js"

/** What the worker port needs from the logger's front. */
export interface WorkerPortConfig {
  readonly settings: LoggerSettings
  readonly datasets: LoggerDatasets
  readonly pipeline: WriterPipeline
  readonly budget: RowBudget
  readonly admission: RowAdmission
  readonly buffer: RowBuffer
  readonly publish: (event: SessionEvent) => Effect.Effect<void>
  readonly noteError: (message: string) => void
}

/**
 * The worker behind a logger's port or service, for tests that need to crash it (internal: not
 * exported from the package).
 */
export const workerOf = new WeakMap<object, () => Worker | undefined>()

/** Rows as they cross to the worker: row objects packed by column, the rest as they are. */
const workerRows = (rows: Rows): WorkerRows => {
  if (rows._tag !== "RowBatch") return rows
  const { datasetId, datasetIds, timestamp } = rows
  const timestamps = rows.timestamps === undefined ? undefined : Float64Array.from(rows.timestamps)
  return packRows(rows.rows, { datasetId, datasetIds, timestamp, timestamps })
}

/** `rows` with every column the structured clone refuses replaced as the profile counts it (rare). */
const cloneable = (rows: WorkerRows): WorkerRows =>
  rows._tag === "ColumnarRows" ? { ...rows, columns: rows.columns.map(cloneableColumn) } : rows

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
    const { settings, datasets, pipeline, budget, admission, buffer } = config
    const run = Runtime.runFork(yield* Effect.runtime<never>())
    const calls = new WorkerCalls()
    const inWorker = new RowsInWorker()
    const configured = new Set<string>()
    const exited = yield* Deferred.make<void>()
    let worker: Worker | undefined
    let restarts = 0
    let closing = false
    let failed = false
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
      const wanted = calls.size > 0 || closing || inWorker.permits > 0 || budget.waiting > 0
      if (wanted === referenced) return
      referenced = wanted
      if (wanted) worker.ref()
      else worker.unref()
    }

    const post = (message: ToWorker, transfer?: ReadonlyArray<ArrayBuffer>) =>
      worker?.postMessage(message, transfer === undefined ? undefined : [...transfer])

    const ensureConfig = (datasetId: string) => {
      const id = datasetId.length === 0 ? (settings.defaultDatasetId ?? "") : datasetId
      if (id.length === 0 || configured.has(id)) return
      configured.add(id)
      post({ t: "config", datasetId: id, config: datasets.configFor(id) })
    }

    /** Counts rows into the worker by dataset (runs of one dataset at a time), sending new configs. */
    const countIn = (rows: WorkerRows) => {
      const ids = rows._tag === "ColumnarRows" ? rows.datasetIds : undefined
      if (ids === undefined) {
        ensureConfig(rows.datasetId)
        inWorker.countIn(rows.datasetId, rowCount(rows))
        return
      }
      let last: string | undefined
      let run = 0
      for (const id of ids) {
        if (id === last) {
          run++
          continue
        }
        if (last !== undefined) inWorker.countIn(last, run)
        ensureConfig(id)
        last = id
        run = 1
      }
      if (last !== undefined) inWorker.countIn(last, run)
    }

    /** Posts rows, first sending the config of every dataset they name. */
    const postRows = (
      crossing: WorkerRows,
      permits: number,
      call: { id: number; sync: SyncMode } | undefined,
    ) => {
      countIn(crossing)
      inWorker.permits += permits
      holdOpen()
      const transfer =
        crossing._tag === "ColumnarRows" && crossing.timestamps !== undefined
          ? [crossing.timestamps.buffer]
          : []
      try {
        post({ t: "rows", rows: crossing, permits, call }, transfer)
      } catch {
        // A cell the structured clone refuses (an array holding a function): sent as an object
        // instead, which is how the profile counts such an array anyway.
        post({ t: "rows", rows: cloneable(crossing), permits, call }, transfer)
      }
    }

    /** Rows that can no longer be profiled (the worker is gone for good). */
    const dropLost = (datasetId: string, count: number, permits: number) => {
      budget.release(permits)
      admission.countDropped("worker-crash", count)
      run(config.publish(new RowsDropped({ datasetId, count, reason: "worker-crash" })))
    }

    const flush = () => {
      if (timer !== undefined) {
        clearTimeout(timer)
        timer = undefined
      }
      const taken = buffer.take()
      if (taken === undefined) return
      if (failed) dropLost(taken.batch.datasetId, taken.batch.rows.length, taken.permits)
      else postRows(workerRows(taken.batch), taken.permits, undefined)
    }

    const onMessage = (message: FromWorker) => {
      switch (message.t) {
        case "ready":
          return
        case "snapshot":
          snapshot = message.status
          return
        case "release":
          inWorker.permits = Math.max(0, inWorker.permits - message.permits)
          budget.release(message.permits)
          holdOpen()
          return
        case "dropped":
          inWorker.countOut(message.datasetId, message.count)
          run(
            config.publish(
              new RowsDropped({ datasetId: message.datasetId, count: message.count, reason: message.reason }),
            ),
          )
          return
        case "write": {
          const writes = message.writes.map(profileWrite)
          for (const write of writes) inWorker.countOut(write.datasetId, write.rows)
          return answerSink(message.id, Effect.flatten(datasets.submit(writes)))
        }
        case "sink":
          return answerSink(
            message.id,
            message.op === "replay"
              ? Effect.flatten(datasets.replay)
              : message.op === "settle"
                ? pipeline.settle
                : pipeline.drain(Duration.millis(message.timeoutMillis)),
          )
        case "answer":
          run(calls.complete(message.id, message.answer))
          holdOpen()
          return
      }
    }

    /** Answers the worker's request `id` once the writes it asked for have ended. */
    const answerSink = (id: number, wait: Effect.Effect<WriteSettlement>) =>
      run(
        Effect.map(wait, (settlement) =>
          post({ t: "settled", id, outcomes: settlement.outcomes.map(plainOutcome) }),
        ),
      )

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
      post({
        t: "init",
        base: settings.base,
        defaultDatasetId: settings.defaultDatasetId,
        batchSize: settings.batchSize,
        batchWindowMillis: Duration.toMillis(settings.batchWindow),
        closeTimeoutMillis: Duration.toMillis(settings.closeTimeout),
        queueCapacity: settings.queueCapacity,
      })
      configured.clear()
      referenced = false
      created.unref()
      holdOpen()
    }

    const because = () => (lastWorkerError === undefined ? "" : `: ${lastWorkerError}`)

    const onExit = (exitedWorker: Worker, code: number) => {
      if (exitedWorker !== worker) return
      if (closing && calls.size === 0) {
        worker = undefined
        run(Deferred.succeed(exited, undefined))
        return
      }
      // A crash: report what the worker held, restart it, and send the calls in flight again.
      config.noteError(`the logger's worker stopped (exit code ${code}${because()})`)
      const lost = inWorker.lose()
      for (const [datasetId, count] of lost.byDataset) {
        admission.countDropped("worker-crash", count)
        run(config.publish(new RowsDropped({ datasetId, count, reason: "worker-crash" })))
      }
      budget.release(lost.permits)
      run(calls.failRows())
      restarts++
      if (restarts <= settings.maxRestarts) {
        spawn()
        calls.resend((message) => post(message))
        return
      }
      failed = true
      worker = undefined
      config.noteError(
        `the logger's worker crashed ${restarts} times${lastWorkerError === undefined ? "" : ` (${lastWorkerError})`}; rows are dropped from now on`,
      )
      run(calls.answerAll(snapshot))
      flush()
      run(Deferred.succeed(exited, undefined))
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

    /** Makes a call of the worker's actor; once the worker is gone for good, answers it here. */
    const call = (op: CallOp, waiting: Waiting) =>
      Effect.sync(() => {
        if (failed) return run(settle(waiting, answerWithoutWorker(op, snapshot)))
        const id = calls.nextId()
        const message: ToWorker = { t: "call", id, op }
        calls.add(id, { post: message, waiting, rows: undefined })
        holdOpen()
        post(message)
      })

    /** Rows of the Effect face (their own mail); a sync one waits for the worker's answer. */
    const sendRows = (mail: Extract<Mail, { _tag: "Rows" }>) =>
      Effect.sync(() => {
        const count = rowCount(mail.rows)
        const datasetId = datasetOfRows(mail.rows)
        if (failed) {
          dropLost(datasetId, count, mail.permits)
          if (mail.reply !== undefined)
            run(Deferred.fail(mail.reply, new RowsDroppedError({ datasetId, reason: "worker-crash", count })))
          return
        }
        const crossing = workerRows(mail.rows)
        if (mail.reply === undefined || mail.sync === undefined)
          return postRows(crossing, mail.permits, undefined)
        const id = calls.nextId()
        const rowsCall = { id, sync: mail.sync }
        calls.add(id, {
          post: { t: "rows", rows: crossing, permits: mail.permits, call: rowsCall },
          waiting: { op: "Rows", reply: mail.reply },
          rows: { datasetId, count },
        })
        holdOpen()
        postRows(crossing, mail.permits, rowsCall)
      })

    const send = (mail: Mail): Effect.Effect<void> => {
      switch (mail._tag) {
        case "Rows":
          return sendRows(mail)
        case "ScheduledWrite":
        case "FirstWrite":
          return Effect.void
        case "Flush":
          return mail.reply === undefined ? Effect.void : call("Flush", { op: "Flush", reply: mail.reply })
        case "Status":
          return call("Status", { op: "Status", reply: mail.reply })
        case "Settle":
          return call("Settle", { op: "Settle", reply: mail.reply })
        case "Close": {
          closing = true
          holdOpen()
          const reply = mail.reply
          return call("Close", { op: "Close", reply }).pipe(
            Effect.zipRight(
              Effect.sync(() => {
                // Once the worker has answered Close, end it; its exit then completes `done`.
                run(
                  Deferred.await(reply).pipe(
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
      }
    }

    const self: ActorPort = {
      send,
      post: (mail) => {
        flush()
        if (failed) dropLost(datasetOfRows(mail.rows), rowCount(mail.rows), mail.permits)
        else postRows(workerRows(mail.rows), mail.permits, undefined)
      },
      buffered: () => {
        if (buffer.size >= settings.postRows) return flush()
        if (timer === undefined) {
          timer = setTimeout(() => {
            timer = undefined
            flush()
          }, settings.postEveryMillis)
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
