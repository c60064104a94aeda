import { Data } from "effect"

/**
 * A platform call failed: the platform answered with an error status, the connection failed, or the
 * answer could not be read. `retryable` says whether trying again may help (408, 429, 5xx, resets).
 * The message names the operation and never carries credentials or presigned URL signatures.
 */
export class PlatformError extends Data.TaggedError("PlatformError")<{
  /** What was being done, e.g. `POST log/async` or `PUT profile`. */
  readonly operation: string
  /** The HTTP status, when the platform answered. */
  readonly status: number | undefined
  /** What went wrong, in words (the platform's own message when it gave one). */
  readonly reason: string
  readonly retryable: boolean
  /** How long the platform asked us to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMillis: number | undefined
}> {
  override get message(): string {
    const status = this.status === undefined ? "" : ` (HTTP ${this.status})`
    return `${this.operation} failed${status}: ${this.reason}`
  }
}

/** A platform call took longer than its timeout (default 60 s) and was abandoned. */
export class TimeoutError extends Data.TaggedError("TimeoutError")<{
  readonly operation: string
  readonly timeoutMillis: number
}> {
  /** A timed-out call is always worth another attempt (the retry policy's view of it). */
  get retryable(): true {
    return true
  }

  override get message(): string {
    return `${this.operation} timed out after ${this.timeoutMillis} ms`
  }
}

/**
 * Signing in, refreshing a token, or using credentials failed: the platform rejected them, the
 * browser flow was denied or timed out, or there is nothing to refresh with. Never holds a secret.
 */
export class AuthError extends Data.TaggedError("AuthError")<{
  readonly reason: string
  /** The HTTP status that revealed the problem, when there was one. */
  readonly status?: number | undefined
}> {
  override get message(): string {
    return this.reason
  }
}
