import { inspect } from "node:util"
import { Effect, Layer, type ManagedRuntime } from "effect"
import { settle } from "../node/promiseRuntime.js"
import type { ProfileUpload, ReferenceProfileUpload, UploadOptions, UploadReceipt } from "./ProfileUpload.js"
import { Session } from "./Session.js"
import { SessionClosedError, type SessionKind } from "./SessionError.js"
import { type EventVerbosity, isUploadEvent, type SessionEvent, type UploadEvent } from "./SessionEvent.js"
import type { SessionService } from "./SessionService.js"
import type { SessionStatus } from "./SessionStatus.js"

/** Stops a subscription (`onProgress`, `logEventsToFile`); resolves once pending events are handled. */
export type Unsubscribe = () => Promise<void>

/**
 * The Promise face of a session, from `init()`. Close it with `await session.close()` or
 * `await using session = await init(…)`. Printing it (`String`, `console.log`, JSON) shows its
 * status, never a secret.
 */
export class SessionHandle implements AsyncDisposable {
  readonly kind: SessionKind
  readonly orgId: string | undefined
  readonly defaultDatasetId: string | undefined
  readonly #runtime: ManagedRuntime.ManagedRuntime<Session, unknown>
  readonly #service: SessionService
  readonly #onClose: (handle: SessionHandle) => void
  #closing: Promise<void> | undefined

  /** @internal Use `init()`. */
  constructor(
    runtime: ManagedRuntime.ManagedRuntime<Session, unknown>,
    service: SessionService,
    onClose: (handle: SessionHandle) => void,
  ) {
    this.#runtime = runtime
    this.#service = service
    this.#onClose = onClose
    this.kind = service.kind
    this.orgId = service.orgId
    this.defaultDatasetId = service.defaultDatasetId
  }

  /** The Effect service behind this handle, for code that mixes both faces. */
  get service(): SessionService {
    return this.#service
  }

  /** A layer that provides this (already open) session to Effect code; closing stays with the handle. */
  get layer(): Layer.Layer<Session> {
    return Layer.succeed(Session, this.#service)
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closing !== undefined
  }

  /** A snapshot without secrets: kind, source, org, endpoint, key id or token expiry, upload counts. */
  status(): SessionStatus {
    const status = Effect.runSync(this.#service.status)
    return this.closed ? { ...status, closed: true } : status
  }

  /** Uploads one profile (see `SessionService.uploadProfile`). */
  uploadProfile(upload: ProfileUpload, options?: UploadOptions): Promise<UploadReceipt> {
    return this.#run(this.#service.uploadProfile(upload, options))
  }

  /** Uploads a reference profile under its alias. */
  uploadReferenceProfile(upload: ReferenceProfileUpload, options?: UploadOptions): Promise<UploadReceipt> {
    return this.#run(this.#service.uploadReferenceProfile(upload, options))
  }

  /** Publishes an event to the session's subscribers. */
  publish(event: SessionEvent): void {
    Effect.runSync(this.#service.publish(event))
  }

  /**
   * Calls `callback` with every upload event from now on (started, progress, failed, succeeded),
   * e.g. to drive a progress bar. A callback that throws is logged and skipped.
   */
  onProgress(callback: (event: UploadEvent) => void): Unsubscribe {
    if (this.closed) throw new SessionClosedError()
    const stop = this.#runtime.runSync(
      this.#service.follow((event) =>
        isUploadEvent(event) ? Effect.sync(() => callback(event)) : Effect.void,
      ),
    )
    return this.#unsubscribe(stop)
  }

  /**
   * Appends the session's events to `path` as JSON lines at `verbosity` 0 (failures), 1 (default:
   * also starts, successes, writes, refreshes) or 2 (also progress) until stopped or closed.
   */
  async logEventsToFile(path: string, verbosity: EventVerbosity = 1): Promise<Unsubscribe> {
    const stop = await this.#run(this.#service.logEventsToFile(path, verbosity))
    return this.#unsubscribe(stop)
  }

  /** Runs `stop` while the session is open; once it is closing, the close stops the follower (after its events). */
  #unsubscribe(stop: Effect.Effect<void>): Unsubscribe {
    return () => this.#closing ?? this.#runtime.runPromise(stop)
  }

  /**
   * Closes the session: stops event followers (after they handle what was published), interrupts
   * uploads still running (their promises reject with `SessionClosedError`), releases the HTTP agent.
   * Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#onClose(this)
      this.#closing = this.#runtime.dispose()
    }
    return this.#closing
  }

  /** `await using session = await init()` closes the session when the block ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  toJSON(): SessionStatus {
    return this.status()
  }

  toString(): string {
    const status = this.status()
    const who =
      status.credentials.type === "api-key"
        ? `, key ${status.credentials.keyId}`
        : status.credentials.type === "token"
          ? ", signed in"
          : ""
    return `Session(${status.kind}${status.orgId === undefined ? "" : `, ${status.orgId}`}${who}${status.closed ? ", closed" : ""})`
  }

  [inspect.custom](): string {
    return `${this.toString()} ${inspect(this.status(), { depth: 4 })}`
  }

  #run<A, E>(effect: Effect.Effect<A, E>): Promise<A> {
    if (this.closed) return Promise.reject(new SessionClosedError())
    return this.#runtime.runPromiseExit(effect).then(settle)
  }
}
