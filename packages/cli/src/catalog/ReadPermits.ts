import { Effect, Queue } from "effect"

/**
 * At most `count` reads at once, served first come first served. A queue of permits, not
 * `Effect.Semaphore`: a semaphore wakes every waiter on each release and each one that loses the race
 * waits again one level deeper, so with hundreds of reads waiting (a 14-day series is 2,688 of them)
 * memory and time grow with the square of the waiters (4 GB for one series); a queue hands each
 * released permit to the longest waiter alone.
 */
export class ReadPermits {
  readonly #permits: Queue.Queue<true>

  constructor(readonly count: number) {
    this.#permits = Effect.runSync(Queue.bounded<true>(count))
    Effect.runSync(
      Queue.offerAll(
        this.#permits,
        Array.from({ length: count }, () => true as const),
      ),
    )
  }

  /** `effect` run once a permit is free; the permit is given back however it ends. */
  with<A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> {
    return Effect.acquireUseRelease(
      Queue.take(this.#permits),
      () => effect,
      () => Queue.offer(this.#permits, true),
    )
  }
}
