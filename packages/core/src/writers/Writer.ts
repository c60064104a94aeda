import { Effect } from "effect"
import { causeText } from "../internal/causeText.js"
import { optionNamesOf } from "../internal/optionNames.js"
import type { DatasetProfileView } from "../profile/DatasetProfileView.js"
import type { ProfileSegment } from "../profile/Segment.js"
import type { TimeBucket } from "../profile/TimeBucket.js"
import { checkWriterOptionNames } from "./internal/writerOptions.js"
import { WriterError } from "./WriterError.js"

/**
 * One profile to store: the view, its whylogs v1 bytes (serialized once, shared by every writer),
 * the dataset, the time bucket and, for a segmented dataset, the segment.
 */
export interface ProfileWrite {
  readonly datasetId: string
  readonly bucket: TimeBucket
  /** The segment (its `tags` are `whylogs.tag.<column>` = value), or undefined when unsegmented. */
  readonly segment: ProfileSegment | undefined
  readonly view: DatasetProfileView
  readonly bytes: Uint8Array
  /** Rows the profile holds. */
  readonly rows: number
  /**
   * Names this write for the writer it is given to, the same on every retry and outbox replay, also
   * after a restart (the writer pipeline sets it from `Writer.writeId` before the first attempt, and
   * the outbox keeps it). A writer that must store each write exactly once (an object store) derives
   * its object's key from it. Undefined for writers that do not name their writes.
   */
  readonly writeId?: string | undefined
}

/** What a writer reports about a stored profile. */
export interface WriteReceipt {
  /** Where it went: a file path, `whylabs`, … (the `destination` of the `ProfileWritten` event). */
  readonly destination: string
}

/**
 * Stores profiles somewhere. `write` either stores the profile (succeeds) or fails with a
 * `WriterError`; the logger retries retryable failures with backoff and then puts the profile in its
 * outbox, so a writer never needs its own retries. A writer must tolerate being given the same
 * bucket and segment more than once (every write carries the rows tracked since the previous one).
 */
export interface Writer {
  /** Unique within a logger; names the writer's outbox folder, so keep it stable across restarts. */
  readonly name: string
  /** Writes this writer runs at once (default 1). */
  readonly concurrency?: number | undefined
  readonly write: (profile: ProfileWrite) => Effect.Effect<WriteReceipt, WriterError>
  /**
   * Names a new profile before its first attempt (optional). The name travels with the profile as
   * `ProfileWrite.writeId` through retries and the outbox, so a write retried after an ambiguous
   * failure (a timeout, a reset after the body was sent) — even by the next process — reaches the
   * same object instead of storing the rows a second time.
   */
  readonly writeId?: ((profile: ProfileWrite) => string) | undefined
}

/** Options of `promiseWriter`. */
export interface PromiseWriterOptions {
  readonly concurrency?: number | undefined
  /**
   * Whether a thrown error is worth retrying (default: always, except a `WriterError` that says
   * otherwise).
   */
  readonly retryable?: ((error: unknown) => boolean) | undefined
}

/**
 * A writer from a Promise-returning function, for users who do not write Effect code. What the
 * function throws becomes a `WriterError` (retryable unless `options.retryable` says no); a string it
 * resolves with is the destination.
 *
 * ```ts
 * const toS3 = promiseWriter("s3", async (p) => { await s3.put(`${p.datasetId}/${p.bucket.fileStamp}.bin`, p.bytes) })
 * ```
 */
export const promiseWriter = (
  name: string,
  write: (profile: ProfileWrite) => Promise<unknown>,
  options: PromiseWriterOptions = {},
): Writer => {
  checkWriterOptionNames("promiseWriter", options, promiseWriterOptionNames)
  return makePromiseWriter(name, write, options)
}

const promiseWriterOptionNames = optionNamesOf<PromiseWriterOptions>()(["concurrency", "retryable"])

const makePromiseWriter = (
  name: string,
  write: (profile: ProfileWrite) => Promise<unknown>,
  options: PromiseWriterOptions,
): Writer => ({
  name,
  concurrency: options.concurrency,
  write: (profile) =>
    Effect.tryPromise({
      try: () => write(profile),
      catch: (error) =>
        error instanceof WriterError
          ? error
          : new WriterError({
              writer: name,
              reason: causeText(error),
              retryable: options.retryable?.(error) ?? true,
              cause: error,
            }),
    }).pipe(
      Effect.map((destination) => ({ destination: typeof destination === "string" ? destination : name })),
    ),
})
