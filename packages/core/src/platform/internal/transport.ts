import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Clock, Duration, Effect, Either } from "effect"
import { checkEndpoint } from "../PlatformEndpoint.js"
import { PlatformError, TimeoutError } from "../PlatformError.js"
import { parseRetryAfter, RetryPolicy, type RetryStep } from "../RetryPolicy.js"
import { USER_AGENT } from "./version.js"

/** A retry about to happen, for progress events and logs. */
export interface RetryNotice extends RetryStep<PlatformError | TimeoutError> {
  readonly operation: string
}

/** Per-call overrides of the transport's defaults. */
export interface CallOptions {
  readonly retry?: Partial<RetryPolicy> | undefined
  readonly timeout?: Duration.DurationInput | undefined
  readonly onRetry?: ((notice: RetryNotice) => Effect.Effect<void>) | undefined
}

/** A successful (2xx) answer with its body read. */
export interface PlatformReply {
  readonly status: number
  readonly headers: Headers.Headers
  readonly body: Uint8Array
}

/** What every platform call shares: timeout, concurrency cap, retry policy, User-Agent, http refusal. */
export interface TransportConfig {
  readonly timeout: Duration.DurationInput
  readonly retry: RetryPolicy
  readonly allowInsecure: boolean
  /** One permit per HTTP exchange in flight; backoff waits hold none. */
  readonly semaphore: Effect.Semaphore
}

/** Sends requests with the shared rules. */
export interface Transport {
  readonly send: (
    operation: string,
    request: HttpClientRequest.HttpClientRequest,
    options?: CallOptions,
  ) => Effect.Effect<PlatformReply, PlatformError | TimeoutError>
}

const decoder = new TextDecoder()

/** The platform's own explanation in an error body (`{ message }`, `{ error_description }`, text). */
const reasonOf = (body: Uint8Array): string => {
  const text = decoder.decode(body).trim()
  if (text.length === 0) return "no details"
  try {
    const json = JSON.parse(text) as Record<string, unknown>
    const parts = [json.error, json.error_description, json.message].filter(
      (p): p is string => typeof p === "string" && p.length > 0,
    )
    if (parts.length > 0) return parts.join(": ").slice(0, 300)
  } catch {
    // not JSON: fall through to the text itself
  }
  return text.slice(0, 300)
}

const fromClientError = (operation: string, error: HttpClientError.HttpClientError): PlatformError => {
  // Only the cause's message is kept: the request inside the error carries headers with credentials.
  const cause = error.cause instanceof Error ? error.cause.message : undefined
  const detail = cause === undefined ? error.reason : `${error.reason}: ${cause}`
  return new PlatformError({
    operation,
    status: undefined,
    reason:
      error._tag === "RequestError"
        ? `connection failed (${detail})`
        : `could not read the answer (${detail})`,
    retryable: !(error._tag === "RequestError" && error.reason !== "Transport"),
    retryAfterMillis: undefined,
  })
}

/** Builds the transport over the ambient HttpClient. */
export const makeTransport = (
  config: TransportConfig,
): Effect.Effect<Transport, never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (client): Transport => {
    const send: Transport["send"] = (operation, request, options = {}) => {
      const policy = RetryPolicy.merge(config.retry, options.retry)
      const timeout = Duration.decode(options.timeout ?? config.timeout)
      const prepared = HttpClientRequest.setHeader(request, "user-agent", USER_AGENT)
      const allowed = checkEndpoint(request.url, config.allowInsecure)
      if (Either.isLeft(allowed)) {
        return Effect.fail(
          new PlatformError({
            operation,
            status: undefined,
            reason: `refused: the URL ${allowed.left}`,
            retryable: false,
            retryAfterMillis: undefined,
          }),
        )
      }

      const attempt: Effect.Effect<PlatformReply, PlatformError | TimeoutError> = client
        .execute(prepared)
        .pipe(
          Effect.flatMap((response) =>
            Effect.map(response.arrayBuffer, (buffer) => ({
              status: response.status,
              headers: response.headers,
              body: new Uint8Array(buffer),
            })),
          ),
          Effect.mapError((error) => fromClientError(operation, error)),
          Effect.timeoutFail({
            duration: timeout,
            onTimeout: () => new TimeoutError({ operation, timeoutMillis: Duration.toMillis(timeout) }),
          }),
          config.semaphore.withPermits(1),
          Effect.flatMap((reply) =>
            reply.status >= 200 && reply.status < 300
              ? Effect.succeed(reply)
              : Effect.flatMap(Clock.currentTimeMillis, (now) =>
                  Effect.fail(
                    new PlatformError({
                      operation,
                      status: reply.status,
                      reason: reasonOf(reply.body),
                      retryable: policy.retryOnStatus(reply.status),
                      retryAfterMillis: parseRetryAfter(reply.headers["retry-after"], now),
                    }),
                  ),
                ),
          ),
        )

      const retries = RetryPolicy.schedule<PlatformError | TimeoutError>(policy)
      const onRetry = options.onRetry
      return Effect.retry(
        attempt,
        onRetry === undefined
          ? retries
          : RetryPolicy.tapRetries(retries, (step) => onRetry({ operation, ...step })),
      )
    }
    return { send }
  })
