import {
  Cause,
  Deferred,
  Duration,
  Effect,
  Exit,
  Fiber,
  Option,
  Queue,
  type Schedule,
  type Scope,
} from "effect"
import { causeText } from "../internal/causeText.js"
import { RetryPolicy, type RetryStep } from "../platform/RetryPolicy.js"
import { ProfileWritten, RowsDropped, type SessionEvent } from "../session/SessionEvent.js"
import { namedWrite } from "./internal/namedWrite.js"
import { writeFailed } from "./internal/writeFailed.js"
import type { Outbox, OutboxEntry } from "./Outbox.js"
import type { JobOutcome, WriterStatus, WriteSettlement } from "./WriteOutcome.js"
import type { ProfileWrite, Writer } from "./Writer.js"
import { WriterError } from "./WriterError.js"

interface Job {
  readonly write: ProfileWrite
  readonly writer: Writer
  /** Set for a replay from the outbox. */
  readonly entry: OutboxEntry | undefined
  readonly done: Deferred.Deferred<JobOutcome>
}

interface Lane {
  readonly writer: Writer
  readonly queue: Queue.Queue<Job>
  readonly status: {
    pending: number
    stored: number
    failed: number
    retries: number
    rowsStored: number
    lastError: { message: string; at: string } | undefined
  }
}

/** What the pipeline needs from its owner. */
export interface WriterPipelineConfig {
  readonly outbox: Outbox | undefined
  readonly retry: RetryPolicy
  readonly publish: (event: SessionEvent) => Effect.Effect<void>
}

/**
 * Runs writes: one lane per writer with `writer.concurrency` fibers taking jobs from an unbounded
 * queue (the profiles themselves are bounded by datasets × buckets × segments), each write retried by
 * the retry schedule and then put in the outbox. Lanes wait on queues, which hold no timer, so an
 * idle pipeline never keeps the process alive.
 */
export class WriterPipeline {
  readonly #config: WriterPipelineConfig
  readonly #scope: Scope.Scope
  readonly #lanes = new Map<Writer, Lane>()
  readonly #pending = new Set<Deferred.Deferred<JobOutcome>>()
  /** Outbox entries being replayed (undefined while their bytes are read). */
  readonly #replaying = new Map<string, Deferred.Deferred<JobOutcome> | undefined>()
  /** Outbox entries known to exist (rows by id): from the last listing, plus puts, minus removals. */
  readonly #outboxEntries = new Map<string, number>()
  /** Entries this process removed (a listing read before a removal must not bring them back). */
  readonly #removed = new Set<string>()
  #swept = false
  #lostRows = 0
  readonly #abandon: Deferred.Deferred<void>
  /** One outbox listing at a time, so a replay's wait always covers entries an earlier one is reading. */
  readonly #listing = Effect.unsafeMakeSemaphore(1)
  readonly #schedule: Schedule.Schedule<RetryStep<WriterError>, WriterError>

  private constructor(config: WriterPipelineConfig, scope: Scope.Scope, abandon: Deferred.Deferred<void>) {
    this.#config = config
    this.#scope = scope
    this.#abandon = abandon
    this.#schedule = RetryPolicy.schedule<WriterError>(config.retry)
  }

  /** A pipeline whose lanes live in the current scope. */
  static make(config: WriterPipelineConfig): Effect.Effect<WriterPipeline, never, Scope.Scope> {
    return Effect.gen(function* () {
      const scope = yield* Effect.scope
      return new WriterPipeline(config, scope, yield* Deferred.make<void>())
    })
  }

  get outbox(): Outbox | undefined {
    return this.#config.outbox
  }

  /** Figures per writer that has been used. */
  writers(): ReadonlyArray<WriterStatus> {
    return Array.from(this.#lanes.values(), (lane) => ({ name: lane.writer.name, ...lane.status }))
  }

  /** Entries in the outbox and the rows they hold, as far as this process knows. */
  outboxSummary(): { readonly entries: number; readonly rows: number } {
    let rows = 0
    for (const n of this.#outboxEntries.values()) rows += n
    return { entries: this.#outboxEntries.size, rows }
  }

  /** Rows of profiles that failed and could not be kept in the outbox. */
  get lostRows(): number {
    return this.#lostRows
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.#pending.size
  }

  /**
   * Queues `writes` for each of `writers` and returns at once with an effect that waits for all of
   * those jobs to end (stored, outboxed or lost); it never fails.
   */
  submit(
    writes: ReadonlyArray<ProfileWrite>,
    writers: ReadonlyArray<Writer>,
  ): Effect.Effect<Effect.Effect<WriteSettlement>> {
    return Effect.gen(this, function* () {
      const dones: Array<Deferred.Deferred<JobOutcome>> = []
      for (const write of writes) {
        for (const writer of writers)
          dones.push(yield* this.#enqueue({ write: namedWrite(write, writer), writer, entry: undefined }))
      }
      return awaitAll(dones)
    })
  }

  /**
   * Starts a replay of every outbox entry that is not already being replayed and whose writer
   * `resolve` finds (reading the outbox in the background, so the caller never waits for the disk);
   * returns an effect waiting for those replays and every other replay in flight.
   */
  replay(resolve: (entry: OutboxEntry) => Writer | undefined): Effect.Effect<Effect.Effect<WriteSettlement>> {
    return Effect.map(
      Effect.forkIn(this.#listing.withPermits(1)(this.#replayNow(resolve)), this.#scope),
      (fiber) => Effect.flatten(Fiber.join(fiber)),
    )
  }

  #replayNow(
    resolve: (entry: OutboxEntry) => Writer | undefined,
  ): Effect.Effect<Effect.Effect<WriteSettlement>> {
    const outbox = this.#config.outbox
    if (outbox === undefined) return Effect.succeed(Effect.succeed({ outcomes: [] }))
    return Effect.gen(this, function* () {
      if (!this.#swept) {
        // Once per run: what a crash in the middle of an outbox write left behind.
        this.#swept = true
        yield* Effect.ignore(outbox.sweep())
      }
      const entries = yield* outbox
        .list()
        .pipe(
          Effect.catchAll((error) =>
            Effect.as(Effect.logWarning(`cannot read the outbox: ${error.message}`), [] as OutboxEntry[]),
          ),
        )
      for (const id of Array.from(this.#outboxEntries.keys())) {
        if (!this.#replaying.has(id)) this.#outboxEntries.delete(id)
      }
      for (const entry of entries)
        if (!this.#removed.has(entry.id)) this.#outboxEntries.set(entry.id, entry.rows)
      for (const entry of entries) {
        if (this.#replaying.has(entry.id) || this.#removed.has(entry.id)) continue
        const writer = resolve(entry)
        if (writer === undefined) continue
        // Claimed before reading, so a concurrent replay (start-up and a flush) never sends it twice.
        this.#replaying.set(entry.id, undefined)
        const write = yield* outbox
          .load(entry)
          .pipe(
            Effect.catchAll((error) =>
              Effect.as(Effect.logWarning(`cannot read an outbox entry: ${error.message}`), undefined),
            ),
          )
        if (write === undefined) {
          this.#replaying.delete(entry.id)
          continue
        }
        this.#replaying.set(entry.id, yield* this.#enqueue({ write, writer, entry }))
      }
      // Every replay in flight, including those an earlier call started.
      const dones = Array.from(this.#replaying.values()).filter((d) => d !== undefined)
      return awaitAll(dones)
    })
  }

  /** Waits for every job queued so far. */
  get settle(): Effect.Effect<WriteSettlement> {
    return Effect.suspend(() => awaitAll(Array.from(this.#pending)))
  }

  /**
   * Waits for every job queued so far; after `timeout`, the writes still running are interrupted and
   * their profiles put in the outbox (a write interrupted after the destination stored it but before
   * it answered is then stored twice: the at-least-once edge of a bounded shutdown).
   */
  drain(timeout: Duration.DurationInput): Effect.Effect<WriteSettlement> {
    // Interruptible even inside a finalizer (close runs in one), or the timeout could not cut the wait.
    return Effect.interruptible(this.settle).pipe(
      Effect.timeout(timeout),
      Effect.catchTag("TimeoutException", () =>
        Effect.zipRight(Deferred.succeed(this.#abandon, undefined), this.settle),
      ),
    )
  }

  #enqueue(job: Omit<Job, "done">): Effect.Effect<Deferred.Deferred<JobOutcome>> {
    return Effect.gen(this, function* () {
      const lane = yield* this.#lane(job.writer)
      const done = yield* Deferred.make<JobOutcome>()
      this.#pending.add(done)
      lane.status.pending++
      yield* Queue.offer(lane.queue, { ...job, done })
      return done
    })
  }

  #lane(writer: Writer): Effect.Effect<Lane> {
    return Effect.suspend(() => {
      const existing = this.#lanes.get(writer)
      if (existing !== undefined) return Effect.succeed(existing)
      return Effect.gen(this, function* () {
        const queue = yield* Queue.unbounded<Job>()
        const lane: Lane = {
          writer,
          queue,
          status: { pending: 0, stored: 0, failed: 0, retries: 0, rowsStored: 0, lastError: undefined },
        }
        this.#lanes.set(writer, lane)
        const worker = Queue.take(queue).pipe(
          Effect.flatMap((job) => this.#run(lane, job)),
          Effect.forever,
        )
        for (let i = 0; i < Math.max(1, writer.concurrency ?? 1); i++) {
          yield* Effect.forkIn(worker, this.#scope)
        }
        return lane
      })
    })
  }

  #run(lane: Lane, job: Job): Effect.Effect<void> {
    const { writer, write, entry } = job
    let attempts = 0
    const attempt = Effect.suspend(() => writer.write(write)).pipe(
      // A writer that dies (throws inside its Effect) is a failed write, retried like any other.
      Effect.catchAllDefect((defect) =>
        Effect.fail(
          new WriterError({ writer: writer.name, reason: causeText(defect), retryable: true, cause: defect }),
        ),
      ),
      Effect.tapError((error) =>
        Effect.sync(() => {
          attempts++
          lane.status.lastError = { message: error.message, at: new Date().toISOString() }
        }),
      ),
    )
    // Each retry is counted and reported with the delay the schedule chose; the last failure is
    // reported by #failed, once it is known whether the outbox kept it.
    const withRetries =
      entry === undefined
        ? attempt.pipe(
            Effect.retry(
              RetryPolicy.tapRetries(this.#schedule, (step) =>
                Effect.suspend(() => {
                  lane.status.retries++
                  const retryIn = Duration.toMillis(step.delay)
                  return this.#config.publish(
                    writeFailed(writer, write, step.error, step.retry, retryIn, false),
                  )
                }),
              ),
            ),
          )
        : attempt
    const abandoned = Deferred.await(this.#abandon).pipe(
      Effect.zipRight(
        Effect.fail(
          new WriterError({
            writer: writer.name,
            reason: "still running when the logger's close timeout ran out",
            retryable: true,
          }),
        ),
      ),
    )
    // The write races the close timeout's abandon signal; the bookkeeping after it is never cut short.
    return Effect.uninterruptibleMask((restore) =>
      restore(Effect.raceFirst(withRetries, abandoned)).pipe(
        Effect.exit,
        Effect.flatMap((exit) =>
          Exit.isSuccess(exit)
            ? this.#stored(lane, job, exit.value.destination)
            : this.#failed(lane, job, errorOf(writer, exit), attempts),
        ),
        Effect.flatMap((outcome) =>
          Effect.sync(() => {
            lane.status.pending--
            this.#pending.delete(job.done)
            if (entry !== undefined) this.#replaying.delete(entry.id)
          }).pipe(Effect.zipRight(Deferred.succeed(job.done, outcome))),
        ),
        Effect.asVoid,
      ),
    )
  }

  #stored(lane: Lane, job: Job, destination: string): Effect.Effect<JobOutcome> {
    const { write, entry } = job
    return Effect.gen(this, function* () {
      lane.status.stored++
      lane.status.rowsStored += write.rows
      if (entry !== undefined && this.#config.outbox !== undefined) {
        this.#outboxEntries.delete(entry.id)
        this.#removed.add(entry.id)
        yield* this.#config.outbox
          .remove(entry)
          .pipe(
            Effect.catchAll((error) =>
              Effect.logWarning(`${error.message}; the profile is stored and may be sent again on replay`),
            ),
          )
      }
      yield* this.#config.publish(
        new ProfileWritten({
          datasetId: write.datasetId,
          datasetTimestamp: write.bucket.datasetTimestamp,
          destination,
          bytes: write.bytes.byteLength,
          segmentTags: write.segment?.tags ?? [],
        }),
      )
      return { _tag: "Stored", writer: job.writer.name, destination } as const
    })
  }

  #failed(lane: Lane, job: Job, error: WriterError, attempts: number): Effect.Effect<JobOutcome> {
    const { write, writer, entry } = job
    const outbox = this.#config.outbox
    return Effect.gen(this, function* () {
      lane.status.lastError = { message: error.message, at: new Date().toISOString() }
      if (entry !== undefined && outbox !== undefined) {
        yield* outbox.noteFailure(entry, error.message).pipe(Effect.ignore)
        yield* this.#config.publish(writeFailed(writer, write, error, attempts, undefined, true))
        return { _tag: "Kept", writer: writer.name, error } as const
      }
      lane.status.failed++
      const lost = (reason: string) =>
        Effect.gen(this, function* () {
          this.#lostRows += write.rows
          yield* Effect.logError(
            `lost a profile of ${write.datasetId} (${write.rows} rows, ${write.bucket}): ${error.message}; ${reason}`,
          )
          yield* this.#config.publish(
            new RowsDropped({ datasetId: write.datasetId, count: write.rows, reason: "write-failed" }),
          )
          return { _tag: "Lost", writer: writer.name, error, reason } as const
        })
      if (outbox === undefined) {
        yield* this.#config.publish(writeFailed(writer, write, error, attempts, undefined, false))
        return yield* lost("the outbox is disabled")
      }
      const stored = yield* Effect.either(outbox.put(writer.name, write, error.message, attempts))
      yield* this.#config.publish(
        writeFailed(writer, write, error, attempts, undefined, stored._tag === "Right"),
      )
      if (stored._tag === "Left") return yield* lost(stored.left.message)
      this.#outboxEntries.set(stored.right.id, write.rows)
      yield* Effect.logWarning(
        `kept a profile of ${write.datasetId} (${write.bucket}) in the outbox for ${writer.name}: ${error.message}`,
      )
      return { _tag: "Outboxed", writer: writer.name, error } as const
    })
  }
}

const errorOf = (writer: Writer, exit: Exit.Exit<unknown, WriterError>): WriterError => {
  const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
  return Option.isSome(failure)
    ? failure.value
    : new WriterError({ writer: writer.name, reason: "the write was interrupted", retryable: true })
}

const awaitAll = (dones: ReadonlyArray<Deferred.Deferred<JobOutcome>>): Effect.Effect<WriteSettlement> =>
  Effect.map(Effect.forEach(dones, Deferred.await), (outcomes) => ({ outcomes }))
