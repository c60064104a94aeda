import { Effect, Queue, type Scope } from "effect"
import { type ActorConfig, startActor } from "./Actor.js"
import type { ActorPort } from "./ActorPort.js"
import { CONTROL_RESERVE, type Mail } from "./Mail.js"
import type { RowBuffer } from "./RowBuffer.js"

/** Settings of the in-thread port. */
export interface InThreadPortConfig {
  readonly actor: Omit<ActorConfig, "mailbox">
  readonly queueCapacity: number
  readonly buffer: RowBuffer
  /** Hand the buffer over at once when it holds this many rows; else at the next turn of the event loop. */
  readonly handOffRows: number
}

/**
 * The actor on the caller's thread: one bounded mailbox (row capacity plus a reserve for control
 * mails) drained by the actor's fiber. Buffered rows are handed over at the next turn of the event
 * loop (an unref'd `setImmediate`, so it never keeps Node running) or when the buffer fills.
 */
export const startInThreadPort = (config: InThreadPortConfig): Effect.Effect<ActorPort, never, Scope.Scope> =>
  Effect.gen(function* () {
    const mailbox = yield* Queue.bounded<Mail>(config.queueCapacity + CONTROL_RESERVE)
    const actor = yield* startActor({ ...config.actor, mailbox })
    let scheduled: NodeJS.Immediate | undefined
    const flush = () => {
      if (scheduled !== undefined) {
        clearImmediate(scheduled)
        scheduled = undefined
      }
      const taken = config.buffer.take()
      if (taken === undefined) return
      actor.expectMail()
      mailbox.unsafeOffer({
        _tag: "Rows",
        rows: taken.batch,
        permits: taken.permits,
        sync: undefined,
        reply: undefined,
      })
    }
    yield* Effect.addFinalizer(() => Effect.sync(flush))
    return {
      send: (mail) =>
        Effect.suspend(() => {
          actor.expectMail()
          return Effect.asVoid(Queue.offer(mailbox, mail))
        }),
      post: (mail) => {
        flush()
        if (actor.trackNow(mail)) return
        actor.expectMail()
        if (!mailbox.unsafeOffer(mail)) Effect.runFork(Queue.offer(mailbox, mail))
      },
      buffered: () => {
        if (config.buffer.size >= config.handOffRows) return flush()
        if (scheduled === undefined) {
          scheduled = setImmediate(() => {
            scheduled = undefined
            flush()
          })
          scheduled.unref()
        }
      },
      flush,
      done: actor.done,
      peek: actor.peek,
      worker: () => undefined,
    }
  })
