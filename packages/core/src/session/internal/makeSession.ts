import { randomUUID } from "node:crypto"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Path from "@effect/platform/Path"
import { Cause, Clock, Duration, Effect, Fiber, FiberSet, Ref, type Scope, SynchronizedRef } from "effect"
import { makeOAuthClient } from "../../platform/OAuthClient.js"
import { PlatformAuth } from "../../platform/PlatformAuth.js"
import {
  type CallOptions,
  makePlatformClient,
  type PlatformClient,
  type PlatformClientConfig,
  type RetryNotice,
  type SegmentTag,
  type UploadTicket,
} from "../../platform/PlatformClient.js"
import { RetryPolicy } from "../../platform/RetryPolicy.js"
import { makeTokenAuth, type TokenAuth } from "../auth/TokenAuth.js"
import type { UploadError, UploadOptions, UploadReceipt } from "../ProfileUpload.js"
import { ConfigError, SessionClosedError, UploadNotSupportedError } from "../SessionError.js"
import { UploadFailed, UploadProgress, UploadStarted, UploadSucceeded } from "../SessionEvent.js"
import { SessionDefaults, type SessionOptions } from "../SessionOptions.js"
import type { SessionService } from "../SessionService.js"
import type { SessionCredentials, SessionStatus } from "../SessionStatus.js"
import { updateConfigFile } from "../WhylogsConfig.js"
import { makeEventHub } from "./eventHub.js"
import type { Resolution } from "./resolution.js"

interface Counters {
  readonly started: number
  readonly succeeded: number
  readonly failed: number
  readonly inFlight: number
}

const toMillis = (time: number | Date) => (typeof time === "number" ? time : time.getTime())

const describeError = (error: UploadError) => ({ error: error._tag, message: error.message })

/** The parts of a session every kind has: events, counters, the closed flag and its running uploads. */
const makeCore = (options: SessionOptions) =>
  Effect.gen(function* () {
    const hub = yield* makeEventHub(options.eventBuffer ?? SessionDefaults.eventBuffer)
    const counters = yield* Ref.make<Counters>({ started: 0, succeeded: 0, failed: 0, inFlight: 0 })
    const closed = yield* Ref.make(false)
    // Uploads run in this set, so closing the session interrupts them (their callers then get a
    // SessionClosedError) instead of leaving requests running on released resources.
    const running = yield* FiberSet.make<UploadReceipt, UploadError>()
    yield* Effect.addFinalizer(() => Ref.set(closed, true))
    const guarded = <A extends UploadReceipt>(operation: Effect.Effect<A, UploadError>) =>
      Effect.gen(function* () {
        if (yield* Ref.get(closed)) return yield* Effect.fail(new SessionClosedError())
        const fiber = yield* FiberSet.run(running, operation)
        return (yield* Fiber.join(fiber)) as A
      }).pipe(
        Effect.catchAllCause((cause) =>
          Cause.isInterruptedOnly(cause)
            ? Effect.flatMap(Ref.get(closed), (isClosed) =>
                isClosed ? Effect.fail(new SessionClosedError()) : Effect.failCause(cause),
              )
            : Effect.failCause(cause),
        ),
      )
    return { hub, counters, closed, guarded }
  })

const statusOf = (
  resolution: Resolution,
  credentials: SessionCredentials,
  counters: Counters,
  closed: boolean,
): SessionStatus => ({
  kind: resolution.kind,
  source: resolution.source,
  orgId: resolution.kind === "whylabs" ? resolution.orgId : undefined,
  defaultDatasetId: resolution.defaultDatasetId,
  apiEndpoint: resolution.kind === "local" ? undefined : resolution.apiEndpoint.toString().replace(/\/$/, ""),
  credentials,
  configFile: resolution.configFile,
  uploads: counters,
  closed,
})

/** A local session: events and status, no uploads. Needs no HTTP client. */
export const makeLocalSession = (
  resolution: Resolution & { readonly kind: "local" },
  options: SessionOptions,
): Effect.Effect<SessionService, never, Scope.Scope | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const { hub, counters, closed } = yield* makeCore(options)
    const refuse = Effect.fail(
      new UploadNotSupportedError({
        kind: "local",
        reason:
          "a local session uploads nothing; write profiles locally, or init() with an API key to upload",
      }),
    )
    return {
      ...hub,
      kind: "local",
      orgId: undefined,
      defaultDatasetId: resolution.defaultDatasetId,
      status: Effect.zipWith(Ref.get(counters), Ref.get(closed), (c, isClosed) =>
        statusOf(resolution, { type: "none" }, c, isClosed),
      ),
      uploadProfile: () => refuse,
      uploadReferenceProfile: () => refuse,
    }
  })

/**
 * A session that uploads (whylabs or anonymous): one platform client with the session's timeout,
 * `maxConcurrency` permits and retry policy, the credential strategy, and the upload operations.
 */
export const makeRemoteSession = (
  resolution: Resolution & { readonly kind: "whylabs" | "anonymous" },
  options: SessionOptions,
): Effect.Effect<
  SessionService,
  never,
  Scope.Scope | FileSystem.FileSystem | Path.Path | HttpClient.HttpClient
> =>
  Effect.gen(function* () {
    const { hub, counters, closed, guarded } = yield* makeCore(options)
    const files = yield* Effect.context<FileSystem.FileSystem | Path.Path>()
    const config: PlatformClientConfig = {
      endpoint: resolution.apiEndpoint,
      timeout: options.timeout ?? SessionDefaults.timeout,
      retry: RetryPolicy.merge(RetryPolicy.default, options.retry),
      allowInsecure: options.allowInsecure === true,
      semaphore: yield* Effect.makeSemaphore(
        Math.max(1, options.maxConcurrency ?? SessionDefaults.maxConcurrency),
      ),
    }

    let tokenAuth: TokenAuth | undefined
    let auth = PlatformAuth.none
    if (resolution.kind === "whylabs") {
      const credential = resolution.credential
      if (credential.type === "api-key") {
        auth = PlatformAuth.apiKey(credential.key.value, credential.key.keyId)
      } else {
        tokenAuth = yield* makeTokenAuth({
          token: credential.token,
          cachePath: resolution.tokenCacheFile ?? "",
          oauth: yield* makeOAuthClient(config),
          refreshMargin: options.tokenRefreshMargin ?? SessionDefaults.tokenRefreshMargin,
          onRefreshed: hub.publish,
        })
        auth = tokenAuth
      }
    }
    const platform: PlatformClient = yield* makePlatformClient(config, auth)

    // The guest session id: stored, or created on the first upload and then stored in the config file.
    const anonymousId = yield* SynchronizedRef.make(
      resolution.kind === "anonymous" ? resolution.sessionId : undefined,
    )
    const ensureAnonymousSession = (callOptions: CallOptions) =>
      SynchronizedRef.modifyEffect(anonymousId, (current) => {
        if (current !== undefined) return Effect.succeed([current, current] as const)
        const userGuid = (resolution.kind === "anonymous" ? resolution.userGuid : undefined) ?? randomUUID()
        return platform.createAnonymousSession(userGuid, callOptions).pipe(
          Effect.tap((id) =>
            resolution.configFile === undefined
              ? Effect.void
              : updateConfigFile(resolution.configFile, { session_id: id, user_guid: userGuid }).pipe(
                  Effect.catchAll((error) =>
                    Effect.logWarning(`the anonymous session id is not stored: ${error.message}`),
                  ),
                  Effect.provide(files),
                ),
          ),
          Effect.map((id) => [id, id] as const),
        )
      })

    let uploadSeq = 0

    /** Announces, PUTs, counts and publishes; `announce` differs by upload kind. */
    const run = (
      upload: "profile" | "reference",
      datasetId: string,
      datasetTimestamp: number,
      segmentTags: ReadonlyArray<SegmentTag>,
      bytes: Uint8Array,
      uploadOptions: UploadOptions | undefined,
      announce: (callOptions: CallOptions) => Effect.Effect<UploadTicket, UploadError>,
    ): Effect.Effect<UploadReceipt, UploadError> =>
      Effect.gen(function* () {
        uploadSeq += 1
        const uploadKey = `upload-${uploadSeq}`
        const retries = yield* Ref.make(0)
        const onRetry = (notice: RetryNotice) =>
          Effect.flatMap(
            Ref.updateAndGet(retries, (n) => n + 1),
            (n) =>
              hub.publish(
                new UploadFailed({
                  uploadKey,
                  datasetId,
                  ...describeError(notice.error),
                  willRetry: true,
                  retryInMillis: Duration.toMillis(notice.delay),
                  attempt: n,
                }),
              ),
          )
        const callOptions: CallOptions = {
          retry: uploadOptions?.retry,
          timeout: uploadOptions?.timeout,
          onRetry,
        }
        yield* Ref.update(counters, (c) => ({ ...c, started: c.started + 1, inFlight: c.inFlight + 1 }))
        yield* hub.publish(
          new UploadStarted({
            uploadKey,
            upload,
            datasetId,
            datasetTimestamp,
            segmentTags,
            bytes: bytes.byteLength,
          }),
        )
        const work = Effect.gen(function* () {
          const ticket = yield* announce(callOptions)
          yield* platform.putProfile(ticket.uploadUrl, bytes, {
            ...callOptions,
            onProgress: (sentBytes, totalBytes) =>
              hub.publish(new UploadProgress({ uploadKey, sentBytes, totalBytes })),
          })
          const attempts = 2 + (yield* Ref.get(retries))
          const receipt: UploadReceipt = {
            uploadKey,
            upload,
            id: ticket.id,
            datasetId,
            datasetTimestamp,
            segmentTags,
            bytes: bytes.byteLength,
            observatoryUrl: ticket.observatoryUrl,
            attempts,
          }
          return receipt
        })
        return yield* work.pipe(
          Effect.tap((receipt) =>
            Effect.zipRight(
              Ref.update(counters, (c) => ({ ...c, succeeded: c.succeeded + 1 })),
              hub.publish(
                new UploadSucceeded({
                  uploadKey,
                  datasetId,
                  id: receipt.id,
                  observatoryUrl: receipt.observatoryUrl,
                  bytes: receipt.bytes,
                  attempts: receipt.attempts,
                }),
              ),
            ),
          ),
          Effect.tapError((error) =>
            Effect.zipRight(
              Ref.update(counters, (c) => ({ ...c, failed: c.failed + 1 })),
              Effect.flatMap(Ref.get(retries), (n) =>
                hub.publish(
                  new UploadFailed({
                    uploadKey,
                    datasetId,
                    ...describeError(error),
                    willRetry: false,
                    attempt: n + 1,
                  }),
                ),
              ),
            ),
          ),
          Effect.ensuring(Ref.update(counters, (c) => ({ ...c, inFlight: c.inFlight - 1 }))),
        )
      })

    const datasetOf = (given: string | undefined): Effect.Effect<string, ConfigError> => {
      const datasetId = given ?? resolution.defaultDatasetId
      return datasetId === undefined || datasetId.length === 0
        ? Effect.fail(
            new ConfigError({
              source: "datasetId",
              line: undefined,
              reason:
                "the upload names no dataset and no default is set (defaultDatasetId, WHYLABS_DEFAULT_DATASET_ID)",
            }),
          )
        : Effect.succeed(datasetId)
    }

    const uploadProfile: SessionService["uploadProfile"] = (upload, uploadOptions) =>
      guarded(
        Effect.gen(function* () {
          const datasetId = yield* datasetOf(upload.datasetId)
          const segmentTags = upload.segmentTags ?? []
          const datasetTimestamp = toMillis(upload.datasetTimestamp)
          if (resolution.kind === "anonymous") {
            if (segmentTags.length > 0) {
              return yield* Effect.fail(
                new UploadNotSupportedError({
                  kind: "anonymous",
                  reason: "anonymous sessions take no segmented profiles; use an API key to upload segments",
                }),
              )
            }
            return yield* run(
              "profile",
              datasetId,
              datasetTimestamp,
              [],
              upload.bytes,
              uploadOptions,
              (callOptions) =>
                Effect.flatMap(ensureAnonymousSession(callOptions), (sessionId) =>
                  platform.startAnonymousUpload({ sessionId, datasetId, datasetTimestamp }, callOptions),
                ),
            )
          }
          const orgId = resolution.orgId
          return yield* run(
            "profile",
            datasetId,
            datasetTimestamp,
            segmentTags,
            upload.bytes,
            uploadOptions,
            (callOptions) =>
              platform.startProfileUpload({ orgId, datasetId, datasetTimestamp, segmentTags }, callOptions),
          )
        }),
      )

    const uploadReferenceProfile: SessionService["uploadReferenceProfile"] = (upload, uploadOptions) =>
      guarded(
        Effect.gen(function* () {
          if (resolution.kind === "anonymous") {
            return yield* Effect.fail(
              new UploadNotSupportedError({
                kind: "anonymous",
                reason: "anonymous sessions take no reference profiles; use an API key",
              }),
            )
          }
          const datasetId = yield* datasetOf(upload.datasetId)
          const datasetTimestamp =
            upload.datasetTimestamp === undefined
              ? yield* Clock.currentTimeMillis
              : toMillis(upload.datasetTimestamp)
          const orgId = resolution.orgId
          return yield* run(
            "reference",
            datasetId,
            datasetTimestamp,
            [],
            upload.bytes,
            uploadOptions,
            (callOptions) =>
              platform.startReferenceUpload(
                { orgId, datasetId, alias: upload.alias, datasetTimestamp },
                callOptions,
              ),
          )
        }),
      )

    const credentials: Effect.Effect<SessionCredentials> = Effect.gen(function* () {
      if (resolution.kind === "anonymous")
        return { type: "anonymous", sessionId: yield* SynchronizedRef.get(anonymousId) }
      if (resolution.credential.type === "api-key")
        return { type: "api-key", keyId: resolution.credential.key.keyId }
      const token = tokenAuth === undefined ? resolution.credential.token : yield* tokenAuth.current
      return {
        type: "token",
        method: token.method,
        expiresAt: token.expiresAt === undefined ? undefined : new Date(token.expiresAt).toISOString(),
      }
    })

    return {
      ...hub,
      kind: resolution.kind,
      orgId: resolution.kind === "whylabs" ? resolution.orgId : undefined,
      defaultDatasetId: resolution.defaultDatasetId,
      status: Effect.gen(function* () {
        return statusOf(resolution, yield* credentials, yield* Ref.get(counters), yield* Ref.get(closed))
      }),
      uploadProfile,
      uploadReferenceProfile,
    }
  })
