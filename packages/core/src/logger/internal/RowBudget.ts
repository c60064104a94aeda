import { Effect } from "effect"

/** A place in the line for permits. */
export interface Waiter {
  readonly permits: number
  readonly grant: () => void
  /** Set when the waiter left the line (interrupted); the line skips it. */
  cancelled?: boolean
}

/**
 * The queue's bound in rows: a counting semaphore of `capacity` permits, one per row accepted and not
 * yet profiled. Callers take permits synchronously (`tryTake`, drop mode) or wait for them in
 * first-in, first-out order (`take`, `wait`, block mode); the actor releases them once it has
 * profiled the rows. While anyone waits, `tryTake` grants nothing, so later rows never overtake
 * earlier ones. A batch larger than the whole capacity takes all of it.
 */
export class RowBudget {
  readonly capacity: number
  #used = 0
  // A FIFO line: `#waiters` from `#head` on (an index, so taking the first is O(1) however long it is).
  #waiters: Array<Waiter | undefined> = []
  #head = 0
  /** Cancelled waiters still in the line. */
  #cancelled = 0
  /** Called after every release (the logger's close waits for the line to empty). */
  onRelease: (() => void) | undefined

  constructor(capacity: number) {
    this.capacity = capacity
  }

  /** Permits held: rows accepted and not yet profiled. */
  get used(): number {
    return this.#used
  }

  /** Callers waiting for permits. */
  get waiting(): number {
    return this.#waiters.length - this.#head - this.#cancelled
  }

  /** What a batch of `rows` rows takes. */
  permitsFor(rows: number): number {
    return Math.min(rows, this.capacity)
  }

  /** Takes up to `rows` permits at once and returns how many were taken (drop mode). */
  tryTake(rows: number): number {
    if (this.waiting > 0) return 0
    const granted = Math.min(rows, this.capacity - this.#used)
    if (granted <= 0) return 0
    this.#used += granted
    return granted
  }

  /** Takes `permitsFor(rows)` permits now and returns true, unless someone waits or they do not fit. */
  takeNow(rows: number): boolean {
    const permits = this.permitsFor(rows)
    if (this.waiting > 0 || this.#used + permits > this.capacity) return false
    this.#used += permits
    return true
  }

  /**
   * Joins the line for `permitsFor(rows)` permits: `onGranted` runs (synchronously, inside a later
   * `release`) once they are taken. Returns the place in line, to leave it with `cancel`.
   */
  wait(rows: number, onGranted: () => void): Waiter {
    const waiter: Waiter = { permits: this.permitsFor(rows), grant: onGranted }
    this.#waiters.push(waiter)
    return waiter
  }

  /** Takes `permitsFor(rows)` permits, waiting in line for them (block mode). */
  take(rows: number): Effect.Effect<void> {
    return Effect.async<void>((resume) => {
      if (this.takeNow(rows)) return resume(Effect.void)
      const waiter = this.wait(rows, () => resume(Effect.void))
      return Effect.sync(() => {
        // Interrupted while waiting: leave the line without taking anything.
        if (waiter.cancelled !== true) {
          waiter.cancelled = true
          this.#cancelled++
        }
        this.#grant()
      })
    })
  }

  /** Returns permits and grants waiting callers in order while their batches fit. */
  release(permits: number): void {
    this.#used = Math.max(0, this.#used - permits)
    this.#grant()
    this.onRelease?.()
  }

  #grant(): void {
    while (this.#head < this.#waiters.length) {
      const next = this.#waiters[this.#head]
      if (next === undefined || next.cancelled === true) {
        if (next?.cancelled === true) this.#cancelled--
        this.#waiters[this.#head++] = undefined
        continue
      }
      if (this.#used + next.permits > this.capacity) break
      this.#waiters[this.#head++] = undefined
      this.#used += next.permits
      next.grant()
    }
    if (this.#head === this.#waiters.length) {
      this.#waiters = []
      this.#head = 0
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
      this.#waiters = this.#waiters.slice(this.#head)
      this.#head = 0
    }
  }
}
