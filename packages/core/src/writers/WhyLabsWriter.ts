import { Effect } from "effect"
import { causeText } from "../internal/causeText.js"
import { optionNamesOf } from "../internal/optionNames.js"
import type { RetryPolicy } from "../platform/RetryPolicy.js"
import type { UploadError } from "../session/ProfileUpload.js"
import { Session } from "../session/Session.js"
import type { SessionHandle } from "../session/SessionHandle.js"
import { defaultInit } from "../session/SessionInit.js"
import type { SessionService } from "../session/SessionService.js"
import { checkWriterOptionNames } from "./internal/writerOptions.js"
import type { ProfileWrite, WriteReceipt, Writer } from "./Writer.js"
import { WriterError } from "./WriterError.js"

/** Options of a `WhyLabsWriter`. */
export interface WhyLabsWriterOptions {
  /**
   * The session to upload through (a `SessionHandle` from `init()`, or the Effect `SessionService`).
   * Default: the current session, else `defaultInit()` at the first upload.
   */
  readonly session?: SessionHandle | SessionService | undefined
  /** Unique writer name (default `whylabs`). */
  readonly name?: string | undefined
  /** Uploads in flight at once (default 4; the session's `maxConcurrency` caps HTTP calls as well). */
  readonly concurrency?: number | undefined
  /**
   * The session's retry policy for each upload. Default `{ maxRetries: 0 }`: the logger's writer
   * retries (backoff with jitter, `Retry-After`, then the outbox) are the only retry layer, so a
   * failing platform is not retried twice over.
   */
  readonly uploadRetry?: Partial<RetryPolicy> | undefined
}

const whyLabsWriterOptionNames = optionNamesOf<WhyLabsWriterOptions>()([
  "session",
  "name",
  "concurrency",
  "uploadRetry",
])

const toWriterError = (writer: string, error: UploadError): WriterError => {
  switch (error._tag) {
    case "PlatformError":
      return new WriterError({
        writer,
        reason: error.message,
        retryable: error.retryable,
        retryAfterMillis: error.retryAfterMillis,
        cause: error,
      })
    case "TimeoutError":
      return new WriterError({ writer, reason: error.message, retryable: true, cause: error })
    default:
      return new WriterError({ writer, reason: error.message, retryable: false, cause: error })
  }
}

const isHandle = (session: SessionHandle | SessionService): session is SessionHandle =>
  "service" in session && typeof (session as SessionHandle).close === "function"

/**
 * Uploads each profile through the session: `POST log/async` then `PUT` of the bytes, one upload per
 * segment with its `whylabs.tag.*` segment tags, the bucket start as the dataset timestamp. An
 * anonymous session refuses segmented profiles (`UploadNotSupportedError`), and a local one every
 * upload: such failures are not retried; the profile goes to the outbox with the reason.
 */
export class WhyLabsWriter implements Writer {
  readonly name: string
  readonly concurrency: number
  readonly #given: SessionHandle | SessionService | undefined
  readonly #uploadRetry: Partial<RetryPolicy>

  /** Throws `WriterOptionsError` for an unknown option (naming the nearest known one). */
  constructor(options: WhyLabsWriterOptions = {}) {
    checkWriterOptionNames("WhyLabsWriter", options, whyLabsWriterOptionNames)
    this.name = options.name ?? "whylabs"
    this.concurrency = options.concurrency ?? 4
    this.#given = options.session
    this.#uploadRetry = options.uploadRetry ?? { maxRetries: 0 }
  }

  /** A writer bound to the `Session` of the Effect context. */
  static make(
    options: Omit<WhyLabsWriterOptions, "session"> = {},
  ): Effect.Effect<WhyLabsWriter, never, Session> {
    return Effect.map(Session, (session) => new WhyLabsWriter({ ...options, session }))
  }

  readonly write = (profile: ProfileWrite): Effect.Effect<WriteReceipt, WriterError> =>
    Effect.flatMap(this.#session(), (session) =>
      session.uploadProfile(
        {
          datasetId: profile.datasetId,
          datasetTimestamp: profile.bucket.datasetTimestamp,
          segmentTags: profile.segment?.tags ?? [],
          bytes: profile.bytes,
        },
        { retry: this.#uploadRetry },
      ),
    ).pipe(
      Effect.mapError((error) => (error._tag === "WriterError" ? error : toWriterError(this.name, error))),
      Effect.as({ destination: "whylabs" }),
    )

  #session(): Effect.Effect<SessionService, WriterError> {
    const given = this.#given
    if (given !== undefined) return Effect.succeed(isHandle(given) ? given.service : given)
    return Effect.tryPromise({
      try: () => defaultInit(),
      catch: (error) =>
        new WriterError({
          writer: this.name,
          reason: `no session to upload with: ${causeText(error)}`,
          retryable: false,
          cause: error,
        }),
    }).pipe(Effect.map((handle) => handle.service))
  }
}
