import * as HttpBody from "@effect/platform/HttpBody"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { type Duration, Effect, Either, Schema, Stream } from "effect"
import { type CallOptions, makeTransport, type PlatformReply } from "./internal/transport.js"
import type { AuthHeaders, PlatformAuth } from "./PlatformAuth.js"
import { AuthError, PlatformError, type TimeoutError } from "./PlatformError.js"
import type { RetryPolicy } from "./RetryPolicy.js"

export type { CallOptions, RetryNotice } from "./internal/transport.js"

/** A segment tag as the platform carries it (`whylogs.tag.<column>` = value). */
export interface SegmentTag {
  readonly key: string
  readonly value: string
}

/** Where the bytes of an announced upload go, and the platform's id for it. */
export interface UploadTicket {
  /** The platform's id of the upload (absent for anonymous uploads, which have none). */
  readonly id: string | undefined
  /** A presigned URL: treat as a secret, it grants write access. */
  readonly uploadUrl: string
  /** Where an anonymous session's profile can be viewed. */
  readonly observatoryUrl: string | undefined
}

/** Errors of a platform call. */
export type PlatformCallError = PlatformError | TimeoutError | AuthError

/** Shared settings of every call made by one session (the semaphore is shared with the OAuth client). */
export interface PlatformClientConfig {
  /** A checked endpoint (see `checkEndpoint`); its path, if any, prefixes every API path. */
  readonly endpoint: URL
  readonly timeout: Duration.DurationInput
  readonly retry: RetryPolicy
  readonly allowInsecure: boolean
  readonly semaphore: Effect.Semaphore
}

/** Options of the PUT of profile bytes. */
export interface PutOptions extends CallOptions {
  /** Called as bytes are handed to the connection: `(sent, total)`. */
  readonly onProgress?: ((sentBytes: number, totalBytes: number) => Effect.Effect<void>) | undefined
}

/** The platform's upload API (FORMATS.md, "WhyLabs-compatible platform API"). */
export interface PlatformClient {
  readonly endpoint: URL
  /** `POST /v0/organizations/{org}/log/async/{dataset}`: announces a profile, gives its upload URL. */
  readonly startProfileUpload: (
    args: {
      readonly orgId: string
      readonly datasetId: string
      readonly datasetTimestamp: number
      readonly segmentTags: ReadonlyArray<SegmentTag>
    },
    options?: CallOptions,
  ) => Effect.Effect<UploadTicket, PlatformCallError>
  /** `POST /v0/organizations/{org}/log/reference/{dataset}`: announces a reference profile. */
  readonly startReferenceUpload: (
    args: {
      readonly orgId: string
      readonly datasetId: string
      readonly alias: string
      readonly datasetTimestamp: number
    },
    options?: CallOptions,
  ) => Effect.Effect<UploadTicket, PlatformCallError>
  /** `POST /v0/sessions`: creates an anonymous (guest) session for `userId`, gives its id. */
  readonly createAnonymousSession: (
    userId: string,
    options?: CallOptions,
  ) => Effect.Effect<string, PlatformCallError>
  /** `POST /v0/sessions/{id}/upload`: announces a profile of an anonymous session. */
  readonly startAnonymousUpload: (
    args: { readonly sessionId: string; readonly datasetId: string; readonly datasetTimestamp: number },
    options?: CallOptions,
  ) => Effect.Effect<UploadTicket, PlatformCallError>
  /** `PUT uploadUrl` with the `.bin` bytes (`application/octet-stream`). */
  readonly putProfile: (
    uploadUrl: string,
    bytes: Uint8Array,
    options?: PutOptions,
  ) => Effect.Effect<void, PlatformError | TimeoutError>
}

const PROGRESS_CHUNK = 64 * 1024

const TicketJson = Schema.Struct({
  id: Schema.optional(Schema.String),
  uploadUrl: Schema.String,
  observatoryUrl: Schema.optional(Schema.String),
})
const SessionJson = Schema.Struct({ id: Schema.String })

/** Decodes a JSON answer; a shape we do not understand is a non-retryable PlatformError. */
export const decodeReply = <A, I>(
  operation: string,
  schema: Schema.Schema<A, I>,
  reply: PlatformReply,
): Effect.Effect<A, PlatformError> => {
  const fail = (reason: string) =>
    new PlatformError({
      operation,
      status: reply.status,
      reason,
      retryable: false,
      retryAfterMillis: undefined,
    })
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(reply.body))
  } catch {
    return Effect.fail(fail("the answer is not JSON"))
  }
  const decoded = Schema.decodeUnknownEither(schema)(json)
  return Either.isRight(decoded)
    ? Effect.succeed(decoded.right)
    : Effect.fail(fail("the answer does not have the expected shape"))
}

/** The URL of an API path under the endpoint (keeping a path prefix such as `/api`). */
export const apiUrl = (endpoint: URL, path: string): URL =>
  new URL(`${endpoint.pathname.replace(/\/+$/, "")}${path}`, endpoint.origin)

const isAuthStatus = (error: PlatformCallError): error is PlatformError =>
  error._tag === "PlatformError" && (error.status === 401 || error.status === 403)

/**
 * Makes the platform client of one session: every call goes through the shared transport
 * (timeout, `maxConcurrency` permits, retries honouring `Retry-After`, User-Agent), and API calls
 * present `auth`, with one more try after a 401 when `auth` could refresh its credentials.
 */
export const makePlatformClient = (
  config: PlatformClientConfig,
  auth: PlatformAuth,
): Effect.Effect<PlatformClient, never, HttpClient.HttpClient> =>
  Effect.map(makeTransport(config), (transport): PlatformClient => {
    const authorized = (
      operation: string,
      request: HttpClientRequest.HttpClientRequest,
      options: CallOptions | undefined,
    ): Effect.Effect<PlatformReply, PlatformCallError> => {
      const send = (headers: AuthHeaders) =>
        transport.send(operation, HttpClientRequest.setHeaders(request, headers), options)
      const rejected = (error: PlatformError) =>
        new AuthError({
          reason: `${operation}: the platform rejected ${auth.description} (${error.reason})`,
          status: error.status,
        })
      return Effect.gen(function* () {
        const headers = yield* auth.headers
        const first = yield* Effect.either(send(headers))
        if (Either.isRight(first)) return first.right
        const error = first.left
        if (!isAuthStatus(error)) return yield* Effect.fail(error)
        if (error.status === 401 && (yield* auth.onUnauthorized(headers))) {
          const fresh = yield* auth.headers
          return yield* send(fresh).pipe(
            Effect.catchIf(isAuthStatus, (again) => Effect.fail(rejected(again))),
          )
        }
        return yield* Effect.fail(rejected(error))
      })
    }

    const postJson = (path: string, body: unknown) =>
      HttpClientRequest.post(apiUrl(config.endpoint, path)).pipe(
        HttpClientRequest.acceptJson,
        HttpClientRequest.bodyUnsafeJson(body),
      )
    const enc = encodeURIComponent

    const ticket = (operation: string, reply: PlatformReply) =>
      Effect.map(
        decodeReply(operation, TicketJson, reply),
        (json): UploadTicket => ({
          id: json.id,
          uploadUrl: json.uploadUrl,
          observatoryUrl: json.observatoryUrl,
        }),
      )

    return {
      endpoint: config.endpoint,
      startProfileUpload: (args, options) => {
        const operation = "POST log/async"
        const path = `/v0/organizations/${enc(args.orgId)}/log/async/${enc(args.datasetId)}`
        const body = { datasetTimestamp: args.datasetTimestamp, segmentTags: args.segmentTags }
        return Effect.flatMap(authorized(operation, postJson(path, body), options), (r) =>
          ticket(operation, r),
        )
      },
      startReferenceUpload: (args, options) => {
        const operation = "POST log/reference"
        const path = `/v0/organizations/${enc(args.orgId)}/log/reference/${enc(args.datasetId)}`
        const body = { alias: args.alias, datasetTimestamp: args.datasetTimestamp }
        return Effect.flatMap(authorized(operation, postJson(path, body), options), (r) =>
          ticket(operation, r),
        )
      },
      createAnonymousSession: (userId, options) => {
        const operation = "POST sessions"
        return transport.send(operation, postJson("/v0/sessions", { userId }), options).pipe(
          Effect.flatMap((reply) => decodeReply(operation, SessionJson, reply)),
          Effect.map((json) => json.id),
        )
      },
      startAnonymousUpload: (args, options) => {
        const operation = "POST sessions/upload"
        const path = `/v0/sessions/${enc(args.sessionId)}/upload`
        const body = { datasetTimestamp: args.datasetTimestamp, segmentTags: [], dataset: args.datasetId }
        return Effect.flatMap(transport.send(operation, postJson(path, body), options), (r) =>
          ticket(operation, r),
        )
      },
      putProfile: (uploadUrl, bytes, options = {}) => {
        const total = bytes.byteLength
        const chunks: Uint8Array[] = []
        for (let at = 0; at < total; at += PROGRESS_CHUNK)
          chunks.push(bytes.subarray(at, at + PROGRESS_CHUNK))
        let url: URL
        try {
          url = new URL(uploadUrl)
        } catch {
          return Effect.fail(
            new PlatformError({
              operation: "PUT profile",
              status: undefined,
              reason: "the platform gave an upload URL that is not a URL",
              retryable: false,
              retryAfterMillis: undefined,
            }),
          )
        }
        // A stream body lets progress follow the bytes as the connection takes them; the transport
        // re-runs it from the start on every retry, so the count starts again too.
        const stream = Stream.suspend(() => {
          let sent = 0
          return Stream.fromIterable(chunks).pipe(
            Stream.tap((chunk) => {
              sent += chunk.byteLength
              return options.onProgress?.(sent, total) ?? Effect.void
            }),
          )
        })
        const request = HttpClientRequest.put(url).pipe(
          HttpClientRequest.setBody(HttpBody.stream(stream, "application/octet-stream", total)),
        )
        const send = transport.send("PUT profile", request, options)
        return Effect.asVoid(send)
      },
    }
  })
