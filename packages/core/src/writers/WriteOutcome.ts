import type { WriterError } from "./WriterError.js"

/** How one profile ended for one writer. */
export type JobOutcome =
  | { readonly _tag: "Stored"; readonly writer: string; readonly destination: string }
  /** Failed after its retries and is now in the outbox. */
  | { readonly _tag: "Outboxed"; readonly writer: string; readonly error: WriterError }
  /** A replay from the outbox failed again; the entry stays. */
  | { readonly _tag: "Kept"; readonly writer: string; readonly error: WriterError }
  /** Failed and could not be kept (no outbox, or the outbox failed): its rows are reported dropped. */
  | { readonly _tag: "Lost"; readonly writer: string; readonly error: WriterError; readonly reason: string }

/** Per-writer figures for the status. */
export interface WriterStatus {
  readonly name: string
  /** Profiles queued or being written. */
  readonly pending: number
  readonly stored: number
  /** Profiles that failed after their retries (then kept in the outbox, or lost). */
  readonly failed: number
  readonly retries: number
  /** Rows of the profiles stored. */
  readonly rowsStored: number
  readonly lastError: { readonly message: string; readonly at: string } | undefined
}

/** The result of waiting for a set of jobs. */
export interface WriteSettlement {
  readonly outcomes: ReadonlyArray<JobOutcome>
}
