import type { Effect, Queue, Scope, Stream } from "effect"
import type {
  ProfileUpload,
  ReferenceProfileUpload,
  UploadError,
  UploadOptions,
  UploadReceipt,
} from "./ProfileUpload.js"
import type { SessionFileError, SessionKind } from "./SessionError.js"
import type { EventVerbosity, SessionEvent } from "./SessionEvent.js"
import type { SessionStatus } from "./SessionStatus.js"

/**
 * What a session offers, whatever its kind: uploads, its event channel and its status. The Effect
 * face gets it from the `Session` tag; the Promise face wraps it in a `SessionHandle`.
 */
export interface SessionService {
  readonly kind: SessionKind
  /** The org uploads go to (whylabs sessions only). */
  readonly orgId: string | undefined
  readonly defaultDatasetId: string | undefined
  /** A snapshot without secrets. */
  readonly status: Effect.Effect<SessionStatus>

  /**
   * Uploads one profile (one segment): `POST log/async` (whylabs) or `POST sessions/{id}/upload`
   * (anonymous; creates the guest session on first use), then `PUT` of the bytes. Each call follows
   * the session's retry policy unless `options.retry` overrides it. Publishes UploadStarted,
   * UploadProgress, UploadFailed (per failed attempt) and UploadSucceeded. A local session fails
   * with `UploadNotSupportedError`, and so does an anonymous one given segment tags.
   */
  readonly uploadProfile: (
    upload: ProfileUpload,
    options?: UploadOptions,
  ) => Effect.Effect<UploadReceipt, UploadError>
  /** Uploads a reference profile under its alias (whylabs sessions only). */
  readonly uploadReferenceProfile: (
    upload: ReferenceProfileUpload,
    options?: UploadOptions,
  ) => Effect.Effect<UploadReceipt, UploadError>

  /** Publishes an event to every subscriber (writers and the logger publish theirs here). */
  readonly publish: (event: SessionEvent) => Effect.Effect<void>
  /** A subscription that receives every event published after it is taken, until its scope closes. */
  readonly subscribe: Effect.Effect<Queue.Dequeue<SessionEvent>, never, Scope.Scope>
  /** The events as a stream (subscribes when the stream starts). */
  readonly events: Stream.Stream<SessionEvent>
  /**
   * Runs `handler` on every event from now on, one at a time, until the returned `stop` runs or the
   * session closes; both deliver the events already published before they end.
   */
  readonly follow: (
    handler: (event: SessionEvent) => Effect.Effect<void>,
  ) => Effect.Effect<Effect.Effect<void>>
  /**
   * Appends events as JSON lines (`{"time": …, "_tag": …, …}`) to `path` (created 0600), at
   * `verbosity` 0 (failures, dropped rows), 1 (default: also starts, successes, writes, refreshes,
   * retries) or 2 (also progress). Succeeds with a `stop` effect.
   */
  readonly logEventsToFile: (
    path: string,
    verbosity?: EventVerbosity,
  ) => Effect.Effect<Effect.Effect<void>, SessionFileError>
}
