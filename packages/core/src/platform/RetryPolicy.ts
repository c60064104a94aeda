import { Duration, Effect, Random, Schedule, ScheduleDecision } from "effect"
import { optionNamesOf } from "../internal/optionNames.js"

/**
 * How a failed attempt is retried — a platform call, or a writer storing a profile: exponential
 * backoff with jitter while the failure is retryable; a `Retry-After` from the other side replaces
 * the backoff of that attempt, and one longer than `maxRetryAfter` is not waited out.
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
   * The longest `Retry-After` that is waited out; when the other side asks for more, the attempt
   * fails at once (with the wait in the error's `retryAfterMillis`) instead of stalling its caller
   * (a platform call's caller, or a profile that then goes to the outbox).
   */
  readonly maxRetryAfter: Duration.DurationInput
  /** Whether a platform call that failed with this HTTP status is worth retrying. */
  readonly retryOnStatus: (status: number) => boolean
}

/** Every field of a `RetryPolicy` (a partial policy given as an option may hold only these). */
export const retryPolicyNames = optionNamesOf<RetryPolicy>()([
  "maxRetries",
  "baseDelay",
  "maxDelay",
  "factor",
  "jitter",
  "maxRetryAfter",
  "retryOnStatus",
])

/** What the retry schedule reads of a failed attempt. */
export interface RetryableFailure {
  /** Whether another attempt may help. */
  readonly retryable: boolean
  /** How long the other side asked to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMillis?: number | undefined
}

/** A retry about to happen: the failure before it, its number (1 for the first) and its delay. */
export interface RetryStep<E> {
  readonly error: E
  readonly retry: number
  readonly delay: Duration.Duration
}

/** 408 Request Timeout, 429 Too Many Requests and every 5xx. */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500

/** Retry policies, their arithmetic, and the `Schedule` every retry in core runs on. */
export const RetryPolicy = {
  /**
   * Platform calls: 4 retries from 500 ms doubling up to 30 s, with jitter; `Retry-After` honoured up
   * to 5 minutes.
   */
  default: {
    maxRetries: 4,
    baseDelay: "500 millis",
    maxDelay: "30 seconds",
    factor: 2,
    jitter: true,
    maxRetryAfter: "5 minutes",
    retryOnStatus: isRetryableStatus,
  } satisfies RetryPolicy as RetryPolicy,

  /**
   * Profile writes, before a profile goes to the outbox: 3 retries from 1 s doubling up to 30 s, with
   * jitter; `Retry-After` honoured up to 2 minutes.
   */
  writes: {
    maxRetries: 3,
    baseDelay: "1 second",
    maxDelay: "30 seconds",
    factor: 2,
    jitter: true,
    maxRetryAfter: "2 minutes",
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

  /**
   * The policy as an Effect `Schedule` fed with the failures of the attempts (`Effect.retry`): it
   * stops at the first failure that is not retryable or asks for a wait beyond `maxRetryAfter`, and
   * after `maxRetries`; each step outputs the retry about to happen (tap it to report or count).
   * Jitter draws from Effect's `Random`, delays run on its `Clock`.
   */
  schedule: <E extends RetryableFailure>(policy: RetryPolicy): Schedule.Schedule<RetryStep<E>, E> => {
    const maxRetryAfter = Duration.toMillis(policy.maxRetryAfter)
    return Schedule.identity<E>().pipe(
      Schedule.whileInput((error: E) => error.retryable && (error.retryAfterMillis ?? 0) <= maxRetryAfter),
      Schedule.intersect(Schedule.recurs(policy.maxRetries)),
      Schedule.mapEffect(([error, done]) =>
        Effect.map(
          Random.next,
          (draw): RetryStep<E> => ({
            error,
            retry: done + 1,
            delay:
              error.retryAfterMillis === undefined
                ? RetryPolicy.backoff(policy, done + 1, draw)
                : Duration.millis(error.retryAfterMillis),
          }),
        ),
      ),
      Schedule.addDelay((step) => step.delay),
    )
  },

  /**
   * `schedule` running `f` before each retry that will happen (not on the failure that ends the
   * retries): for retry events and counters.
   */
  tapRetries: <E, R>(
    schedule: Schedule.Schedule<RetryStep<E>, E>,
    f: (step: RetryStep<E>) => Effect.Effect<void, never, R>,
  ): Schedule.Schedule<RetryStep<E>, E, R> =>
    Schedule.onDecision(schedule, (step, decision) =>
      ScheduleDecision.isContinue(decision) ? f(step) : Effect.void,
    ),
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
