import type { WriterStatus } from "../writers/WriteOutcome.js"

/**
 * Why rows were not profiled (or, for `write-failed`, why profiled rows were not stored):
 * - `queue-full`: drop mode and the queue held `queueCapacity` rows;
 * - `invalid-row`: not an object, or an object whose keys cannot be listed;
 * - `invalid-timestamp`: not a finite time between 1970 and the year 275760;
 * - `no-dataset`: neither the call, the logger nor the session names a dataset;
 * - `worker-crash`: the worker thread died holding them (it is restarted);
 * - `write-failed`: a writer failed and the outbox could not keep the profile;
 * - `closed`: sent while the logger was closing.
 */
export type DropReason =
  | "queue-full"
  | "invalid-row"
  | "invalid-timestamp"
  | "no-dataset"
  | "worker-crash"
  | "write-failed"
  | "closed"

/** One open bucket of one dataset. */
export interface BucketStatus {
  readonly datasetId: string
  /** ISO time of the bucket start. */
  readonly start: string
  readonly granularity: string
  /** Segments seen in this bucket (1 for an unsegmented dataset). */
  readonly segments: number
  /** Rows tracked since the bucket was last written. */
  readonly rows: number
}

/** A writer's figures (what its pipeline counts). */
export type LoggerWriterStatus = WriterStatus

/** A snapshot of a rolling logger (`status()`); never holds a secret. */
export interface LoggerStatus {
  /** `running`, `closing` (close() called, still writing), `closed`. */
  readonly state: "running" | "closing" | "closed"
  readonly mode: "in-thread" | "worker"
  readonly overflow: "block" | "drop"
  readonly queue: {
    /** Rows accepted and not yet profiled (caller-side buffer, queue, worker). */
    readonly rows: number
    readonly capacity: number
    /** Callers waiting for room (block mode). */
    readonly waiting: number
  }
  readonly rows: {
    /** Rows given to `log` (and log requests). */
    readonly received: number
    /** Rows taken into the queue. */
    readonly accepted: number
    /** Rows tracked into a profile. */
    readonly profiled: number
    readonly dropped: number
    readonly droppedByReason: Readonly<Partial<Record<DropReason, number>>>
  }
  /** Open buckets (rows since their last write), by dataset. */
  readonly buckets: ReadonlyArray<BucketStatus>
  readonly writes: {
    /** Profile writes queued or running (one per profile and writer). */
    readonly pending: number
    readonly stored: number
    readonly failed: number
  }
  readonly writers: ReadonlyArray<LoggerWriterStatus>
  /** Profiles waiting in the outbox, or undefined when it is disabled. */
  readonly outbox: { readonly dir: string; readonly entries: number; readonly rows: number } | undefined
  /** The worker thread (worker mode). */
  readonly worker: { readonly threadId: number | undefined; readonly restarts: number } | undefined
  /** The last error the logger met (a write failure, an outbox failure, a worker crash). */
  readonly lastError: { readonly message: string; readonly at: string } | undefined
}
