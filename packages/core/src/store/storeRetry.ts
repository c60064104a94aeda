import { Duration, Effect, Schedule } from "effect"
import type { StoreError } from "./StoreError.js"

/** Backoff from 200 ms (jittered, at most 10 s) or the store's `Retry-After`, 5 retries, retryable errors only. */
const schedule = Schedule.intersect(
  Schedule.exponential("200 millis").pipe(Schedule.jittered),
  Schedule.identity<StoreError>(),
).pipe(
  Schedule.whileInput((error: StoreError) => error.retryable),
  Schedule.modifyDelay(([, error], delay) =>
    error.retryAfterMillis !== undefined
      ? Duration.millis(error.retryAfterMillis)
      : Duration.min(delay, Duration.seconds(10)),
  ),
  Schedule.intersect(Schedule.recurs(5)),
)

/**
 * Retries a store operation that failed with a retryable `StoreError` (a connection reset — a pooled
 * connection the server closed while a long merge kept it idle —, a 503 SlowDown, a timeout). Readers
 * and the compactor use it; writers have the logger's retries and outbox instead.
 */
export const retryStore = <A>(operation: Effect.Effect<A, StoreError>): Effect.Effect<A, StoreError> =>
  Effect.retry(operation, schedule)
