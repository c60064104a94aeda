/** A write that did not reach its writer. */
export interface WriteFailure {
  readonly writer: string
  readonly reason: string
  /** Whether the profile is kept in the outbox (replayed on every flush and at the next start). */
  readonly outboxed: boolean
}

/** What a `flush()` did. */
export interface FlushResult {
  /** Profiles written (one per dataset × bucket × segment with rows since its last write). */
  readonly profiles: number
  /** Rows in those profiles. */
  readonly rows: number
  /** Profile writes stored (a profile counts once per writer). */
  readonly stored: number
  /** Writes that failed after their retries, and outbox replays that failed again. */
  readonly failures: ReadonlyArray<WriteFailure>
  /** Outbox entries stored by this flush's replay (and removed from the outbox). */
  readonly replayed: number
}
