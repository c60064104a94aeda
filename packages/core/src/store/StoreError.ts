import { Data } from "effect"

/** Why a store operation failed. */
export type StoreFailure =
  /** The store URL (or a key) is not usable: an unknown scheme, a bucket name S3 refuses, `..` in a key. */
  | "invalid-url"
  /** No object at that key, or no bucket or directory at that URL. */
  | "not-found"
  /** The object is there but is not a whylogs v1 profile (damaged, truncated, another format). */
  | "unreadable"
  /** The store refused the credentials or the permission. */
  | "denied"
  /** The store could not be reached or failed (network, 5xx, throttling, a full disk). */
  | "unavailable"
  /** An `s3://` URL was given but `@sketchlog/s3` is not installed. */
  | "missing-package"

/**
 * A profile store could not do what was asked. `url` is the store's URL without credentials, `key`
 * the object concerned; `retryable` says whether another attempt may help. Messages never carry
 * credentials.
 */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly url: string
  readonly key?: string | undefined
  readonly reason: StoreFailure
  /** What went wrong, for people. */
  readonly detail: string
  readonly retryable: boolean
  /** How long the store asked to wait before trying again (a 503 SlowDown's Retry-After), ms. */
  readonly retryAfterMillis?: number | undefined
  readonly cause?: unknown
}> {
  override get message(): string {
    return `${this.url}${this.key === undefined ? "" : ` ${this.key}`}: ${this.detail}`
  }
}
