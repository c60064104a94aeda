import { Duration, Schedule } from "effect"
import type { WriterError } from "./WriterError.js"

/**
 * How failed writes are retried before a profile goes to the outbox: exponential backoff with jitter;
 * a `Retry-After` from the destination replaces the backoff of that attempt.
 */
export interface WriteRetryPolicy {
  /** Retries after the first attempt (0 = straight to the outbox). */
  readonly maxRetries: number
  /** Delay before the first retry; each later one is `factor` times longer. */
  readonly baseDelay: Duration.DurationInput
  /** Upper bound of a backoff delay. */
  readonly maxDelay: Duration.DurationInput
  readonly factor: number
  /** Spread each backoff delay over [delay/2, delay]. */
  readonly jitter: boolean
  /** A `Retry-After` longer than this is not waited out: the profile goes to the outbox at once. */
  readonly maxRetryAfter: Duration.DurationInput
}

/** Retry policies of writes. */
export const WriteRetry = {
  /** 3 retries from 1 s doubling up to 30 s, with jitter; `Retry-After` honoured up to 2 minutes. */
  default: {
    maxRetries: 3,
    baseDelay: "1 second",
    maxDelay: "30 seconds",
    factor: 2,
    jitter: true,
    maxRetryAfter: "2 minutes",
  } satisfies WriteRetryPolicy as WriteRetryPolicy,

  /** `base` with the fields of `overrides` that are set. */
  merge: (base: WriteRetryPolicy, overrides: Partial<WriteRetryPolicy> | undefined): WriteRetryPolicy => {
    if (overrides === undefined) return base
    const set = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined))
    return { ...base, ...set }
  },

  /**
   * The policy as an Effect `Schedule` fed with the errors of the attempts: it stops at the first
   * error that is not retryable or asks for a wait beyond `maxRetryAfter`, and after `maxRetries`.
   */
  schedule: (policy: WriteRetryPolicy): Schedule.Schedule<unknown, WriterError> => {
    const maxDelay = Duration.decode(policy.maxDelay)
    const maxRetryAfter = Duration.toMillis(policy.maxRetryAfter)
    const capped = Schedule.exponential(policy.baseDelay, policy.factor).pipe(
      Schedule.modifyDelay((_, delay) => Duration.min(delay, maxDelay)),
    )
    const backoff = policy.jitter ? Schedule.jitteredWith(capped, { min: 0.5, max: 1 }) : capped
    return Schedule.intersect(backoff, Schedule.identity<WriterError>()).pipe(
      Schedule.whileInput(
        (error: WriterError) => error.retryable && (error.retryAfterMillis ?? 0) <= maxRetryAfter,
      ),
      Schedule.modifyDelay(([, error], delay) =>
        error.retryAfterMillis === undefined ? delay : Duration.millis(error.retryAfterMillis),
      ),
      Schedule.intersect(Schedule.recurs(policy.maxRetries)),
    )
  },
}
