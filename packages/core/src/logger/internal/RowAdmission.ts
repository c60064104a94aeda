import { Effect } from "effect"
import { RowsDropped, type SessionEvent } from "../../session/SessionEvent.js"
import { LoggerClosedError } from "../LoggerError.js"
import type { OverflowPolicy } from "../LoggerOptions.js"
import type { DropReason } from "../LoggerStatus.js"
import type { RowBudget } from "./RowBudget.js"

/** Returned for rows taken at once: no promise is allocated per call. */
const TAKEN: Promise<void> = Promise.resolve()

/** A rejection the caller may observe but that never becomes an unhandled rejection. */
const handledRejection = (error: unknown): Promise<never> => {
  const promise = Promise.reject(error)
  promise.catch(() => undefined)
  return promise
}

/** `admit`'s answer when the caller must wait for room (block mode). */
export const MUST_WAIT = -1

/** `door`'s answer for rows that arrive after intake stopped. */
export const REFUSED = -2

/**
 * The one way rows get into a logger, for the Effect face and the Promise face alike: it counts what
 * is received and accepted, takes row permits from the budget — drop mode: what fits now, the rest
 * dropped, counted and reported; block mode: everything, waiting in line for room — and refuses
 * everything once intake has stopped. Queue-full drops are published once per turn of the event
 * loop, per dataset and reason, so an overload does not flood the session's event channel.
 */
export class RowAdmission {
  received = 0
  accepted = 0
  readonly droppedByReason: Partial<Record<DropReason, number>> = {}
  /** False once `close` has begun: rows are refused from then on. */
  open = true
  readonly #budget: RowBudget
  readonly #overflow: OverflowPolicy
  readonly #publish: (event: SessionEvent) => Effect.Effect<void>
  readonly #pendingDrops = new Map<string, number>()
  #dropsScheduled = false
  /** Rows between taking their permits and reaching the actor's port (Effect face, block mode). */
  #inTransit = 0
  #idleWaiters: Array<() => void> = []

  constructor(
    budget: RowBudget,
    overflow: OverflowPolicy,
    publish: (event: SessionEvent) => Effect.Effect<void>,
  ) {
    this.#budget = budget
    this.#overflow = overflow
    this.#publish = publish
    budget.onRelease = this.#checkIdle
  }

  /**
   * Rows arriving: `count` rows of `datasetId`. Drop mode: returns how many are taken now (`whole`:
   * all or none; rows cut off are dropped, counted and reported). Block mode: returns `count` when
   * there is room now, else `MUST_WAIT` (see `waitFor`). The permits taken are `permitsFor(taken)`.
   */
  admit(datasetId: string, count: number, whole: boolean): number {
    this.received += count
    if (this.#overflow === "drop") {
      const granted = this.#budget.tryTake(count)
      const taken = whole && granted < count ? 0 : granted
      if (taken < granted) this.#budget.release(granted - taken)
      if (taken < count) this.#dropQueueFull(datasetId, count - taken)
      this.accepted += taken
      return taken
    }
    if (!this.#budget.takeNow(count)) return MUST_WAIT
    this.accepted += count
    return count
  }

  /** The permits `rows` accepted rows hold. */
  permitsFor(rows: number): number {
    return this.#budget.permitsFor(rows)
  }

  /**
   * Block mode, Promise face: runs `enter` once the permits of `count` rows are taken (at once when
   * another caller's release makes room), and resolves then. `flush` hands buffered rows to the
   * actor so it can free room.
   */
  waitFor(count: number, enter: () => void, flush: () => void): Promise<void> {
    let resolveWait: (() => void) | undefined
    this.#budget.wait(count, () => {
      this.accepted += count
      enter()
      resolveWait?.()
    })
    flush()
    return new Promise<void>((resolve) => {
      resolveWait = resolve
    })
  }

  /**
   * Effect face: `admit`, waiting (interruptibly) for room in block mode; succeeds with the rows
   * taken. Run it inside `inTransit`, with the hand-over to the actor.
   */
  admitEffect(datasetId: string, count: number, whole: boolean): Effect.Effect<number> {
    return Effect.suspend(() => {
      const taken = this.admit(datasetId, count, whole)
      if (taken !== MUST_WAIT) return Effect.succeed(taken)
      return Effect.as(
        Effect.tap(
          this.#budget.take(count),
          Effect.sync(() => {
            this.accepted += count
          }),
        ),
        count,
      )
    })
  }

  /**
   * Runs `handOver` (an Effect-face admission and the rows' hand-over to the actor) as rows in
   * transit: `close` waits for them before it stops the actor.
   */
  inTransit<A, E>(handOver: Effect.Effect<A, E>): Effect.Effect<A, E> {
    return Effect.suspend(() => {
      this.#inTransit++
      return Effect.ensuring(
        handOver,
        Effect.sync(() => {
          this.#inTransit--
          this.#checkIdle()
        }),
      )
    })
  }

  /**
   * Promise face: `admit`, except that after intake stopped the rows are counted and dropped as
   * `closed` and the answer is `REFUSED`.
   */
  door(datasetId: string, count: number, whole: boolean): number {
    if (!this.open) {
      this.received += count
      this.countDropped("closed", count)
      return REFUSED
    }
    return count === 0 ? 0 : this.admit(datasetId, count, whole)
  }

  /**
   * Promise face: what a call whose rows were taken (or dropped) at once returns — one shared
   * resolved promise — or, `REFUSED`, a `LoggerClosedError` rejection already marked handled.
   */
  answer(taken: number): Promise<void> {
    return taken === REFUSED ? handledRejection(new LoggerClosedError()) : TAKEN
  }

  /** Resolves once no caller waits for room and no accepted rows are on their way to the actor. */
  idle(flush: () => void): Effect.Effect<void> {
    return Effect.async<void>((resume) => {
      this.#idleWaiters.push(() => resume(Effect.void))
      flush()
      this.#checkIdle()
    })
  }

  /** Publishes the queue-full drops not yet published (on close). */
  readonly publishDrops = (): void => {
    this.#dropsScheduled = false
    const drops = Array.from(this.#pendingDrops)
    this.#pendingDrops.clear()
    for (const [key, count] of drops) {
      const [reason, datasetId] = key.split("\u0000") as [string, string]
      Effect.runSync(this.#publish(new RowsDropped({ datasetId, count, reason })))
    }
  }

  /** Rows dropped on this side of the actor for another reason (a worker crash). */
  countDropped(reason: DropReason, count: number): void {
    this.droppedByReason[reason] = (this.droppedByReason[reason] ?? 0) + count
  }

  #dropQueueFull(datasetId: string, count: number): void {
    this.countDropped("queue-full", count)
    const key = `queue-full\u0000${datasetId}`
    this.#pendingDrops.set(key, (this.#pendingDrops.get(key) ?? 0) + count)
    if (this.#dropsScheduled) return
    this.#dropsScheduled = true
    setImmediate(this.publishDrops).unref()
  }

  readonly #checkIdle = (): void => {
    if (this.#budget.waiting > 0 || this.#inTransit > 0 || this.#idleWaiters.length === 0) return
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const wake of waiters) wake()
  }
}
