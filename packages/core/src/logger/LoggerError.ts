import { Data } from "effect"

/** The logger was closed: it takes no more rows or requests. */
export class LoggerClosedError extends Data.TaggedError("LoggerClosedError")<{}> {
  override get message(): string {
    return "the rolling logger is closed"
  }
}

/**
 * Rows given with `sync` could not be profiled: `reason` is the drop reason (`queue-full`,
 * `invalid-row`, `invalid-timestamp`, `no-dataset`, `worker-crash`, …) of the first dropped row and
 * `count` how many of them were dropped.
 */
export class RowsDroppedError extends Data.TaggedError("RowsDroppedError")<{
  readonly datasetId: string
  readonly reason: string
  readonly count: number
}> {
  override get message(): string {
    return `${this.count} row(s) of ${this.datasetId || "(no dataset)"} were not profiled: ${this.reason}`
  }
}

/** A profile written for `sync: "written"` (or by `flush` when asked to fail) was not stored by every writer. */
export class WriteFailedError extends Data.TaggedError("WriteFailedError")<{
  readonly failures: ReadonlyArray<{
    readonly writer: string
    readonly reason: string
    /** Whether the profile is kept in the outbox (to be replayed) rather than lost. */
    readonly outboxed: boolean
  }>
}> {
  override get message(): string {
    const first = this.failures[0]
    const more = this.failures.length > 1 ? ` (and ${this.failures.length - 1} more)` : ""
    return first === undefined
      ? "a write failed"
      : `writer ${first.writer} failed: ${first.reason}${first.outboxed ? "; the profile is in the outbox" : ""}${more}`
  }
}

/** An option of the rolling logger is unusable; `option` names it. */
export class LoggerOptionsError extends Data.TaggedError("LoggerOptionsError")<{
  readonly option: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.option}: ${this.reason}`
  }
}
