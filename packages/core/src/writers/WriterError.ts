import { Data } from "effect"

/**
 * A writer could not store a profile. `retryable` says whether another attempt may help (a network
 * error, a 5xx, a 429, a full disk that may be cleared); `retryAfterMillis` is how long the
 * destination asked to wait. Messages never carry credentials.
 */
export class WriterError extends Data.TaggedError("WriterError")<{
  /** The writer's name. */
  readonly writer: string
  readonly reason: string
  readonly retryable: boolean
  readonly retryAfterMillis?: number | undefined
  /** The underlying error, when there is one (a typed platform error, an OS error). */
  readonly cause?: unknown
}> {
  override get message(): string {
    return `writer ${this.writer}: ${this.reason}`
  }
}
