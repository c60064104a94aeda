import { Data } from "effect"

/** The kinds of session: upload with an API key or token, upload as a guest, or keep everything local. */
export type SessionKind = "whylabs" | "anonymous" | "local"

/**
 * No session could be resolved: every branch of the resolution order was tried and none applied,
 * and `allowLocal` is false. `tried` lists each branch and why it did not apply.
 */
export class SessionInitError extends Data.TaggedError("SessionInitError")<{
  readonly tried: ReadonlyArray<string>
}> {
  override get message(): string {
    return `no session could be resolved; tried: ${this.tried.join("; ")}`
  }
}

/**
 * Configuration is malformed, unreadable or contradictory. `source` names where it came from (a
 * file path, an environment variable or an option) and `line` the line of a file, when known.
 */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly source: string
  readonly line: number | undefined
  readonly reason: string
}> {
  override get message(): string {
    return `${this.source}${this.line === undefined ? "" : `:${this.line}`}: ${this.reason}`
  }
}

/** An API key does not have the whylogs format. Names where the key came from, never the key. */
export class ApiKeyError extends Data.TaggedError("ApiKeyError")<{
  readonly source: string
  readonly reason: string
}> {
  override get message(): string {
    return `the API key from ${this.source} is invalid: ${this.reason}`
  }
}

/**
 * The session cannot do this upload: a local session uploads nothing, and anonymous sessions take
 * neither segmented nor reference profiles.
 */
export class UploadNotSupportedError extends Data.TaggedError("UploadNotSupportedError")<{
  readonly kind: SessionKind
  readonly reason: string
}> {
  override get message(): string {
    return `${this.kind} session: ${this.reason}`
  }
}

/** A file the session owns (token cache, event log) could not be read or written. */
export class SessionFileError extends Data.TaggedError("SessionFileError")<{
  readonly path: string
  readonly operation: string
  readonly reason: string
}> {
  override get message(): string {
    return `cannot ${this.operation} ${this.path}: ${this.reason}`
  }
}

/** The session was closed; open a new one with `init()`. */
export class SessionClosedError extends Data.TaggedError("SessionClosedError")<{}> {
  override get message(): string {
    return "the session is closed"
  }
}
