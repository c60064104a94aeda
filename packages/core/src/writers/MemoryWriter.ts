import { Effect } from "effect"
import { checkWriterOptionNames } from "./internal/writerOptions.js"
import type { ProfileWrite, WriteReceipt, Writer } from "./Writer.js"
import { WriterError } from "./WriterError.js"

/** A failure a `MemoryWriter` has been told to produce. */
export interface MemoryWriterFailure {
  readonly reason?: string | undefined
  /** Default true. */
  readonly retryable?: boolean | undefined
  readonly retryAfterMillis?: number | undefined
}

/** Which stored profiles a `MemoryWriter` query looks at. */
export interface MemoryWriteFilter {
  readonly datasetId?: string | undefined
  /** The bucket start, epoch ms. */
  readonly bucketStart?: number | undefined
}

interface Waiter {
  readonly count: number
  readonly resolve: () => void
}

/**
 * Keeps every profile written to it, for assertions in tests, and fails on request. From
 * `@sketchlog/core/testing`.
 *
 * ```ts
 * const memory = new MemoryWriter()
 * // … log and flush …
 * expect(memory.totalCount("price", { datasetId: "model-1" })).toBe(1000)
 * memory.failNext(2, { retryAfterMillis: 10 })
 * ```
 */
export class MemoryWriter implements Writer {
  readonly name: string
  readonly concurrency: number
  readonly #writes: ProfileWrite[] = []
  #failures: MemoryWriterFailure[] = []
  #failAlways: MemoryWriterFailure | undefined
  #attempts = 0
  #waiters: Waiter[] = []

  constructor(options: { readonly name?: string; readonly concurrency?: number } = {}) {
    checkWriterOptionNames("MemoryWriter", options, ["name", "concurrency"])
    this.name = options.name ?? "memory"
    this.concurrency = options.concurrency ?? 1
  }

  /** Every profile stored so far, oldest first. */
  get writes(): ReadonlyArray<ProfileWrite> {
    return [...this.#writes]
  }

  /** Calls of `write`, failed ones included. */
  get attempts(): number {
    return this.#attempts
  }

  /** The next `times` writes fail. */
  failNext(times: number, failure: MemoryWriterFailure = {}): this {
    for (let i = 0; i < times; i++) this.#failures.push(failure)
    return this
  }

  /** Every write fails until `recover()`. */
  failAlways(failure: MemoryWriterFailure = {}): this {
    this.#failAlways = failure
    return this
  }

  /** Stops failing. */
  recover(): this {
    this.#failures = []
    this.#failAlways = undefined
    return this
  }

  /** Forgets what was stored. */
  clear(): void {
    this.#writes.length = 0
  }

  /** The stored profiles that match `filter`. */
  find(filter: MemoryWriteFilter = {}): ReadonlyArray<ProfileWrite> {
    return this.#writes.filter(
      (w) =>
        (filter.datasetId === undefined || w.datasetId === filter.datasetId) &&
        (filter.bucketStart === undefined || w.bucket.start === filter.bucketStart),
    )
  }

  /** Σ of `rows` over the matching profiles. */
  totalRows(filter: MemoryWriteFilter = {}): number {
    return this.find(filter).reduce((sum, w) => sum + w.rows, 0)
  }

  /** Σ `counts/n` of `column` over the matching profiles (what the profiles themselves say). */
  totalCount(column: string, filter: MemoryWriteFilter = {}): number {
    return this.find(filter).reduce((sum, w) => sum + (w.view.getColumn(column)?.counts?.n ?? 0), 0)
  }

  /** Succeeds once at least `count` profiles have been stored. */
  waitForWrites(count: number): Effect.Effect<ReadonlyArray<ProfileWrite>> {
    return Effect.async<ReadonlyArray<ProfileWrite>>((resume) => {
      if (this.#writes.length >= count) return resume(Effect.succeed(this.writes))
      const waiter = { count, resolve: () => resume(Effect.succeed(this.writes)) }
      this.#waiters.push(waiter)
      return Effect.sync(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter)
      })
    })
  }

  readonly write = (profile: ProfileWrite): Effect.Effect<WriteReceipt, WriterError> =>
    Effect.suspend((): Effect.Effect<WriteReceipt, WriterError> => {
      this.#attempts++
      const failure = this.#failures.shift() ?? this.#failAlways
      if (failure !== undefined) {
        return Effect.fail(
          new WriterError({
            writer: this.name,
            reason: failure.reason ?? "injected failure",
            retryable: failure.retryable ?? true,
            retryAfterMillis: failure.retryAfterMillis,
          }),
        )
      }
      this.#writes.push(profile)
      const ready = this.#waiters.filter((w) => this.#writes.length >= w.count)
      this.#waiters = this.#waiters.filter((w) => this.#writes.length < w.count)
      for (const waiter of ready) waiter.resolve()
      return Effect.succeed({ destination: `memory:${this.name}` })
    })
}
