/**
 * The logger's worker thread: the same actor as in-thread mode, fed by messages from the caller's
 * thread. Profiles are handed back to that thread (as bytes), which owns the writers, the outbox and
 * the session, so writers and sessions never have to cross threads.
 */
import { parentPort } from "node:worker_threads"
import { Deferred, Duration, Effect, Exit, Queue, Scope } from "effect"
import type { WriteSettlement } from "../../../writers/WriteOutcome.js"
import { Close, Flush, LogBatch, LogRequest, Settle, Status } from "../../LoggerMessage.js"
import { type ActorSink, startActor } from "../Actor.js"
import type { DatasetConfig } from "../DatasetConfig.js"
import { type ActorStatus, CONTROL_RESERVE, type ColumnRows, type Mail, type PackedBatch } from "../Mail.js"
import type { FromWorker, PlainOutcome, PlainWrite, ToWorker, WorkerInit } from "./protocol.js"

const SNAPSHOT_MILLIS = 50

const port = parentPort
if (port === null) throw new Error("the logger's worker entry must run in a worker thread")

const post = (message: FromWorker, transfer?: ReadonlyArray<ArrayBuffer>) =>
  port.postMessage(message, transfer as ArrayBuffer[] | undefined)

let nextId = 1
const waiting = new Map<number, (outcomes: ReadonlyArray<PlainOutcome>) => void>()

/**
 * Posts a request to main now and returns an effect that waits for its `settled` answer (which may
 * already have arrived by the time it runs).
 */
const postRequest = (
  make: (id: number) => FromWorker,
  transfer?: ReadonlyArray<ArrayBuffer>,
): Effect.Effect<WriteSettlement> => {
  let settled: WriteSettlement | undefined
  let wake: ((s: WriteSettlement) => void) | undefined
  const id = nextId++
  waiting.set(id, (outcomes) => {
    settled = { outcomes: outcomes as WriteSettlement["outcomes"] }
    wake?.(settled)
  })
  post(make(id), transfer)
  return Effect.async<WriteSettlement>((resume) => {
    if (settled !== undefined) return resume(Effect.succeed(settled))
    wake = (s) => resume(Effect.succeed(s))
  })
}

/** Asks main for something when run, and waits for the answer. */
const request = (make: (id: number) => FromWorker) => Effect.suspend(() => postRequest(make))

const toTransfer = (bytes: Uint8Array): { bytes: Uint8Array; buffer: ArrayBuffer } => {
  const own =
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
      ? bytes
      : bytes.slice()
  return { bytes: own, buffer: own.buffer as ArrayBuffer }
}

let pendingRelease = 0
let releaseBatch = 1
let releaseTimer: NodeJS.Timeout | undefined
const flushRelease = () => {
  if (releaseTimer !== undefined) {
    clearTimeout(releaseTimer)
    releaseTimer = undefined
  }
  if (pendingRelease === 0) return
  post({ t: "release", permits: pendingRelease })
  pendingRelease = 0
}

const sink: ActorSink = {
  write: (writes) =>
    Effect.sync(() => {
      if (writes.length === 0) return Effect.succeed({ outcomes: [] } as WriteSettlement)
      const buffers: ArrayBuffer[] = []
      const plain: PlainWrite[] = writes.map((w) => {
        const { bytes, buffer } = toTransfer(w.bytes)
        buffers.push(buffer)
        return {
          datasetId: w.datasetId,
          bucketStart: w.bucket.start,
          granularity: w.bucket.granularity,
          segment:
            w.segment === undefined
              ? null
              : { columns: [...w.segment.columns], values: [...w.segment.values] },
          bytes,
          rows: w.rows,
        }
      })
      // Posted now, so main counts the rows as handed over at once; the effect waits for the writes.
      return postRequest((id) => ({ t: "write", id, writes: plain }), buffers)
    }),
  replay: Effect.sync(() => postRequest((id) => ({ t: "sink", id, op: "replay" }))),
  settle: request((id) => ({ t: "sink", id, op: "settle" })),
  drain: (timeout) =>
    request((id) => ({ t: "sink", id, op: "drain", timeoutMillis: Duration.toMillis(timeout) })),
  dropped: (datasetId, reason, count) => Effect.sync(() => post({ t: "dropped", datasetId, reason, count })),
  release: (permits) => {
    // Coalesced: one message per eighth of the queue or per 2 ms, not one per drain (each message
    // costs the caller's thread a dispatch).
    pendingRelease += permits
    if (pendingRelease >= releaseBatch) return flushRelease()
    if (pendingRelease > 0 && releaseTimer === undefined) {
      releaseTimer = setTimeout(flushRelease, 2)
      releaseTimer.unref()
    }
  },
}

const plainError = (error: unknown): Record<string, unknown> =>
  typeof error === "object" && error !== null
    ? { ...(error as Record<string, unknown>), message: (error as Error).message }
    : { _tag: "Error", message: String(error) }

const start = (init: WorkerInit) => {
  releaseBatch = Math.max(1, Math.floor(init.queueCapacity / 8))
  const configs = new Map<string, DatasetConfig>()
  const scope = Effect.runSync(Scope.make())
  const mailbox = Effect.runSync(Queue.bounded<Mail>(init.queueCapacity + CONTROL_RESERVE))
  let lastSnapshot = 0
  let trailing: NodeJS.Timeout | undefined
  const report = (peek: () => ActorStatus) => {
    lastSnapshot = Date.now()
    if (trailing !== undefined) {
      clearTimeout(trailing)
      trailing = undefined
    }
    post({ t: "snapshot", status: peek() })
  }
  const actor = Effect.runSync(
    Scope.extend(
      startActor({
        mailbox,
        sink,
        configFor: (datasetId) => configs.get(datasetId) ?? init.base,
        defaultDatasetId: init.defaultDatasetId,
        batchSize: init.batchSize,
        batchWindow: Duration.millis(init.batchWindowMillis),
        closeTimeout: Duration.millis(init.closeTimeoutMillis),
        // Status for the caller's synchronous status(): at most every 50 ms, and a trailing report
        // so the last drain of a burst is not left out.
        afterDrain: (peek) => {
          if (Date.now() - lastSnapshot >= SNAPSHOT_MILLIS) return report(peek)
          if (trailing === undefined) {
            trailing = setTimeout(() => {
              trailing = undefined
              report(peek)
            }, SNAPSHOT_MILLIS)
            trailing.unref()
          }
        },
      }),
      scope,
    ),
  )

  const answer = <A>(id: number, reply: Deferred.Deferred<A, unknown>, after?: () => void) =>
    Effect.runFork(
      Deferred.await(reply).pipe(
        Effect.exit,
        Effect.tap((exit) => {
          // Permits and status first, so the caller sees them as of this answer.
          flushRelease()
          report(actor.peek)
          if (Exit.isSuccess(exit)) post({ t: "reply", id, ok: true, value: exit.value })
          else {
            const failure = exit.cause._tag === "Fail" ? exit.cause.error : new Error("interrupted")
            post({ t: "reply", id, ok: false, error: plainError(failure) })
          }
          after?.()
        }),
      ),
    )

  const offer = (mail: Mail) => {
    if (!mailbox.unsafeOffer(mail)) Effect.runFork(Queue.offer(mailbox, mail))
  }

  return (message: ToWorker) => {
    switch (message.t) {
      case "config":
        configs.set(message.datasetId, message.config)
        return
      case "rows": {
        const plain = message.message
        const rows =
          plain._tag === "PackedBatch" || plain._tag === "ColumnRows"
            ? (plain as unknown as PackedBatch | ColumnRows)
            : plain._tag === "LogBatch"
              ? new LogBatch(plain as unknown as ConstructorParameters<typeof LogBatch>[0], true)
              : new LogRequest(plain as unknown as ConstructorParameters<typeof LogRequest>[0], true)
        if (message.id === undefined) {
          offer({ message: rows, permits: message.permits, sync: undefined, reply: undefined })
          return
        }
        const reply = Effect.runSync(Deferred.make<void, unknown>())
        offer({ message: rows, permits: message.permits, sync: message.sync, reply })
        answer(message.id, reply)
        return
      }
      case "call": {
        switch (message.message) {
          case "Flush": {
            const reply = Effect.runSync(Deferred.make<unknown, unknown>())
            offer({ message: new Flush(), reply: reply as never })
            answer(message.id, reply)
            return
          }
          case "Status": {
            const reply = Effect.runSync(Deferred.make<unknown, unknown>())
            offer({ message: new Status(), reply: reply as never })
            answer(message.id, reply)
            return
          }
          case "Settle": {
            const reply = Effect.runSync(Deferred.make<unknown, unknown>())
            offer({ message: new Settle(), reply: reply as never })
            answer(message.id, reply)
            return
          }
          case "Close": {
            const reply = Effect.runSync(Deferred.make<unknown, unknown>())
            offer({ message: new Close(), reply: reply as never })
            answer(message.id, reply, () => {
              Effect.runFork(Scope.close(scope, Exit.void))
            })
            return
          }
        }
        return
      }
      case "settled": {
        const resume = waiting.get(message.id)
        waiting.delete(message.id)
        resume?.(message.outcomes)
        return
      }
      case "init":
        return
    }
  }
}

let handle: ((message: ToWorker) => void) | undefined
port.on("message", (message: ToWorker) => {
  if (message.t === "init") {
    handle = start(message)
    post({ t: "ready" })
    return
  }
  handle?.(message)
})
