import { Duration } from "effect"

/**
 * How a platform call is retried: exponential backoff with jitter on 408, 429, 5xx, connection
 * failures and timeouts; a `Retry-After` from the platform replaces the backoff for that attempt.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (0 = never retry). */
  readonly maxRetries: number
  /** Delay before the first retry; each later one is `factor` times longer. */
  readonly baseDelay: Duration.DurationInput
  /** Upper bound of a backoff delay. */
  readonly maxDelay: Duration.DurationInput
  readonly factor: number
  /** Spread each backoff delay over [delay/2, delay] so many clients do not retry in step. */
  readonly jitter: boolean
  /**
   * The longest `Retry-After` that is waited out; when the platform asks for more, the call fails
   * at once (with the wait in `PlatformError.retryAfterMillis`) instead of stalling its caller.
   */
  readonly maxRetryAfter: Duration.DurationInput
  /** Whether a call that failed with this HTTP status is worth retrying. */
  readonly retryOnStatus: (status: number) => boolean
}

/** 408 Request Timeout, 429 Too Many Requests and every 5xx. */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500

/** Retry policies and their arithmetic. */
export const RetryPolicy = {
  /** 4 retries from 500 ms doubling up to 30 s, with jitter; `Retry-After` honoured up to 5 minutes. */
  default: {
    maxRetries: 4,
    baseDelay: "500 millis",
    maxDelay: "30 seconds",
    factor: 2,
    jitter: true,
    maxRetryAfter: "5 minutes",
    retryOnStatus: isRetryableStatus,
  } satisfies RetryPolicy as RetryPolicy,

  /** A single attempt. */
  none: {
    maxRetries: 0,
    baseDelay: 0,
    maxDelay: 0,
    factor: 1,
    jitter: false,
    maxRetryAfter: 0,
    retryOnStatus: () => false,
  } satisfies RetryPolicy as RetryPolicy,

  /** `base` with the fields of `overrides` that are set. */
  merge: (base: RetryPolicy, overrides: Partial<RetryPolicy> | undefined): RetryPolicy => {
    if (overrides === undefined) return base
    // JavaScript callers may pass `undefined` for a field they mean to leave alone.
    const set = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined))
    return { ...base, ...set }
  },

  /**
   * The backoff before retry number `retry` (1 for the first retry): `baseDelay · factor^(retry-1)`
   * capped at `maxDelay`, then, with jitter, scaled into [½, 1] by `random01` (a draw in [0, 1)).
   */
  backoff: (policy: RetryPolicy, retry: number, random01: number): Duration.Duration => {
    const base = Duration.toMillis(policy.baseDelay)
    const cap = Duration.toMillis(policy.maxDelay)
    const raw = Math.min(cap, base * policy.factor ** Math.max(0, retry - 1))
    const millis = policy.jitter ? raw / 2 + (raw / 2) * random01 : raw
    return Duration.millis(Math.round(millis))
  },
}

/**
 * Reads a `Retry-After` header (RFC 9110: delay-seconds or an HTTP-date) as a wait in milliseconds
 * from `nowMillis`; `undefined` when absent or unreadable. A date in the past means "now".
 */
export const parseRetryAfter = (header: string | undefined, nowMillis: number): number | undefined => {
  if (header === undefined) return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMillis)
}
