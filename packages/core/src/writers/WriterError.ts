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

/**
 * A writer's constructor was given an option it does not know (a typo: `fsynk` for `fsync`) or an
 * unusable one. `option` names it, `reason` says why (and the nearest known name). Option values
 * are never echoed.
 */
export class WriterOptionsError extends Data.TaggedError("WriterOptionsError")<{
  /** The kind of writer (`LocalWriter`, `WhyLabsWriter`, …). */
  readonly writer: string
  readonly option: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.writer} option ${this.option}: ${this.reason}`
  }
}
