import { Deferred, Effect } from "effect"
import type { FlushResult } from "../../FlushResult.js"
import { RowsDroppedError } from "../../LoggerError.js"
import type { ActorStatus, CloseReply } from "../Mail.js"
import { typedError } from "./PlainForms.js"
import type { Answer, CallOp, ToWorker } from "./protocol.js"

/** What a caller waits on, by the kind of call: each kind has its own answer. */
export type Waiting =
  | { readonly op: "Rows"; readonly reply: Deferred.Deferred<void, unknown> }
  | { readonly op: "Flush"; readonly reply: Deferred.Deferred<FlushResult, unknown> }
  | { readonly op: "Status"; readonly reply: Deferred.Deferred<ActorStatus, unknown> }
  | { readonly op: "Settle"; readonly reply: Deferred.Deferred<void, unknown> }
  | { readonly op: "Close"; readonly reply: Deferred.Deferred<CloseReply, unknown> }

/** A call waiting for the worker's answer. */
interface PendingCall {
  /** The message, posted again to a restarted worker. */
  readonly post: ToWorker
  readonly waiting: Waiting
  /** Rows calls are not posted again after a crash: their rows were lost with the worker. */
  readonly rows: { readonly datasetId: string; readonly count: number } | undefined
}

const EMPTY_FLUSH: FlushResult = { profiles: 0, rows: 0, stored: 0, failures: [], replayed: 0 }

/** Fails a caller's wait (each kind narrowed on its own: their replies differ in type). */
const fail = (waiting: Waiting, error: unknown): Effect.Effect<boolean> => {
  switch (waiting.op) {
    case "Rows":
    case "Settle":
      return Deferred.fail(waiting.reply, error)
    case "Flush":
      return Deferred.fail(waiting.reply, error)
    case "Status":
      return Deferred.fail(waiting.reply, error)
    case "Close":
      return Deferred.fail(waiting.reply, error)
  }
}

/** Completes a caller's wait with the worker's answer, which must be of the call's kind. */
export const settle = (waiting: Waiting, answer: Answer): Effect.Effect<boolean> => {
  if (answer.op === "Failed") return fail(waiting, typedError(answer.error))
  const mismatch = () =>
    fail(waiting, new Error(`the logger's worker answered ${answer.op} to ${waiting.op}`))
  switch (waiting.op) {
    case "Rows":
      return answer.op === "Rows" ? Deferred.succeed(waiting.reply, undefined) : mismatch()
    case "Flush":
      return answer.op === "Flush" ? Deferred.succeed(waiting.reply, answer.result) : mismatch()
    case "Status":
      return answer.op === "Status" ? Deferred.succeed(waiting.reply, answer.status) : mismatch()
    case "Settle":
      return answer.op === "Settle" ? Deferred.succeed(waiting.reply, undefined) : mismatch()
    case "Close":
      return answer.op === "Close" ? Deferred.succeed(waiting.reply, answer.reply) : mismatch()
  }
}

/**
 * The answer of a logger whose worker is gone for good: nothing left to profile or write, so flush
 * and close still end (with the last status the worker reported).
 */
export const answerWithoutWorker = (op: CallOp | "Rows", status: ActorStatus | undefined): Answer => {
  const last: ActorStatus = status ?? { profiled: 0, droppedByReason: {}, buckets: [] }
  switch (op) {
    case "Close":
      return { op, reply: { result: EMPTY_FLUSH, status: { ...last, buckets: [] } } }
    case "Flush":
      return { op, result: EMPTY_FLUSH }
    case "Status":
      return { op, status: last }
    case "Settle":
    case "Rows":
      return { op }
  }
}

/** The calls in flight to the worker, by id. */
export class WorkerCalls {
  readonly #calls = new Map<number, PendingCall>()
  #nextId = 1

  /** Calls waiting for an answer. */
  get size(): number {
    return this.#calls.size
  }

  /** A new call id. */
  nextId(): number {
    return this.#nextId++
  }

  add(id: number, call: PendingCall): void {
    this.#calls.set(id, call)
  }

  /** Settles call `id` with its answer (an answer to a call no longer waiting is ignored). */
  complete(id: number, answer: Answer): Effect.Effect<void> {
    const call = this.#calls.get(id)
    if (call === undefined) return Effect.void
    this.#calls.delete(id)
    return Effect.asVoid(settle(call.waiting, answer))
  }

  /** After a crash: rows calls fail (their rows were lost with the worker). */
  failRows(): Effect.Effect<void> {
    const failed: Array<Effect.Effect<boolean>> = []
    for (const [id, call] of this.#calls) {
      if (call.rows === undefined) continue
      this.#calls.delete(id)
      const { datasetId, count } = call.rows
      failed.push(fail(call.waiting, new RowsDroppedError({ datasetId, reason: "worker-crash", count })))
    }
    return Effect.all(failed, { discard: true })
  }

  /** Posts every call in flight again (to a restarted worker). */
  resend(post: (message: ToWorker) => void): void {
    for (const call of this.#calls.values()) post(call.post)
  }

  /** The worker is gone for good: answers every call as `answerWithoutWorker` does. */
  answerAll(status: ActorStatus | undefined): Effect.Effect<void> {
    const calls = [...this.#calls.values()]
    this.#calls.clear()
    return Effect.all(
      calls.map((call) => settle(call.waiting, answerWithoutWorker(call.waiting.op, status))),
      { discard: true },
    )
  }
}
