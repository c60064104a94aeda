/**
 * The logger's worker thread: the same actor as in-thread mode, fed by messages from the caller's
 * thread. Profiles are handed back to that thread (as bytes), which owns the writers, the outbox and
 * the session, so writers and sessions never have to cross threads.
 */
import { parentPort } from "node:worker_threads"
import { Deferred, Duration, Effect, Exit, Queue, Scope } from "effect"
import type { FlushResult } from "../../FlushResult.js"
import { startActor } from "../Actor.js"
import type { ActorSink, SettledWrites } from "../ActorSink.js"
import type { DatasetConfig } from "../DatasetConfig.js"
import { type ActorStatus, type CloseReply, CONTROL_RESERVE, type Mail, type RowsMail } from "../Mail.js"
import { plainError, plainWrite } from "./PlainForms.js"
import type { Answer, CallOp, FromWorker, PlainOutcome, ToWorker, WorkerInit } from "./protocol.js"

const SNAPSHOT_MILLIS = 50

const port = parentPort
if (port === null) throw new Error("the logger's worker entry must run in a worker thread")

const post = (message: FromWorker, transfer?: ReadonlyArray<ArrayBuffer>) =>
  port.postMessage(message, transfer === undefined ? undefined : [...transfer])

let nextId = 1
const waiting = new Map<number, (outcomes: ReadonlyArray<PlainOutcome>) => void>()

/**
 * Posts a request to main now and returns an effect that waits for its `settled` answer (which may
 * already have arrived by the time it runs).
 */
const postRequest = (
  make: (id: number) => FromWorker,
  transfer?: ReadonlyArray<ArrayBuffer>,
): Effect.Effect<SettledWrites> => {
  let settled: SettledWrites | undefined
  let wake: ((s: SettledWrites) => void) | undefined
  const id = nextId++
  waiting.set(id, (outcomes) => {
    settled = { outcomes }
    wake?.(settled)
  })
  post(make(id), transfer)
  return Effect.async<SettledWrites>((resume) => {
    if (settled !== undefined) return resume(Effect.succeed(settled))
    wake = (s) => resume(Effect.succeed(s))
  })
}

/** Asks main for something when run, and waits for the answer. */
const request = (make: (id: number) => FromWorker) => Effect.suspend(() => postRequest(make))

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
      if (writes.length === 0) return Effect.succeed<SettledWrites>({ outcomes: [] })
      const parts = writes.map(plainWrite)
      // Posted now, so main counts the rows as handed over at once; the effect waits for the writes.
      return postRequest(
        (id) => ({ t: "write", id, writes: parts.map((p) => p.plain) }),
        parts.map((p) => p.buffer),
      )
    }),
  replay: Effect.sync(() => postRequest((id) => ({ t: "sink", id, op: "replay", timeoutMillis: 0 }))),
  settle: request((id) => ({ t: "sink", id, op: "settle", timeoutMillis: 0 })),
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

  /** Answers call `id` once `reply` is done: its value as `answerOf` says, or its failure. */
  const answer = <A>(id: number, reply: Deferred.Deferred<A, unknown>, answerOf: (value: A) => Answer) =>
    Deferred.await(reply).pipe(
      Effect.exit,
      Effect.map((exit): Answer => {
        if (Exit.isSuccess(exit)) return answerOf(exit.value)
        const failure = exit.cause._tag === "Fail" ? exit.cause.error : new Error("interrupted")
        return { op: "Failed", error: plainError(failure) }
      }),
      // Permits and status first, so the caller sees them as of this answer.
      Effect.tap((answered) =>
        Effect.sync(() => {
          flushRelease()
          report(actor.peek)
          post({ t: "answer", id, answer: answered })
        }),
      ),
    )

  const offer = (mail: Mail) => {
    actor.expectMail()
    if (!mailbox.unsafeOffer(mail)) Effect.runFork(Queue.offer(mailbox, mail))
  }

  /** Puts a call in the mailbox and answers it when the actor has. */
  const call = (id: number, op: CallOp): void => {
    switch (op) {
      case "Flush": {
        const reply = Effect.runSync(Deferred.make<FlushResult, unknown>())
        offer({ _tag: "Flush", reply })
        Effect.runFork(answer(id, reply, (result) => ({ op: "Flush", result })))
        return
      }
      case "Status": {
        const reply = Effect.runSync(Deferred.make<ActorStatus, unknown>())
        offer({ _tag: "Status", reply })
        Effect.runFork(answer(id, reply, (status) => ({ op: "Status", status })))
        return
      }
      case "Settle": {
        const reply = Effect.runSync(Deferred.make<void, unknown>())
        offer({ _tag: "Settle", reply })
        Effect.runFork(answer(id, reply, () => ({ op: "Settle" })))
        return
      }
      case "Close": {
        const reply = Effect.runSync(Deferred.make<CloseReply, unknown>())
        offer({ _tag: "Close", reply })
        Effect.runFork(
          answer(id, reply, (closed) => ({ op: "Close", reply: closed })).pipe(
            Effect.zipRight(Scope.close(scope, Exit.void)),
          ),
        )
        return
      }
    }
  }

  return (message: ToWorker) => {
    switch (message.t) {
      case "config":
        configs.set(message.datasetId, message.config)
        return
      case "rows": {
        const { rows, permits, call: rowsCall } = message
        if (rowsCall === undefined) {
          const mail: RowsMail = { _tag: "Rows", rows, permits, sync: undefined, reply: undefined }
          if (!actor.trackNow(mail)) offer(mail)
          return
        }
        const reply = Effect.runSync(Deferred.make<void, unknown>())
        offer({ _tag: "Rows", rows, permits, sync: rowsCall.sync, reply })
        Effect.runFork(answer(rowsCall.id, reply, () => ({ op: "Rows" })))
        return
      }
      case "call":
        return call(message.id, message.op)
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
