import { Effect } from "effect"
import { RetryPolicy } from "../platform/RetryPolicy.js"
import type { StoreError } from "./StoreError.js"

/**
 * How readers and the compactor retry a store: 5 retries from 200 ms doubling up to 10 s, with
 * jitter, or after the store's `Retry-After` (up to 5 minutes); retryable errors only.
 */
const STORE_RETRY: RetryPolicy = {
  ...RetryPolicy.default,
  maxRetries: 5,
  baseDelay: "200 millis",
  maxDelay: "10 seconds",
}

/** Built once, not for every download a reader retries. */
const SCHEDULE = RetryPolicy.schedule<StoreError>(STORE_RETRY)

/**
 * Retries a store operation that failed with a retryable `StoreError` (a connection reset — a pooled
 * connection the server closed while a long merge kept it idle —, a 503 SlowDown, a timeout). Readers
 * and the compactor use it; writers have the logger's retries and outbox instead.
 */
export const retryStore = <A>(operation: Effect.Effect<A, StoreError>): Effect.Effect<A, StoreError> =>
  Effect.retry(operation, SCHEDULE)
