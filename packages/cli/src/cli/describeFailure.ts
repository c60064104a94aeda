import { CliError } from "./CliError.js"
import { ExitCode } from "./ExitCode.js"

/** What the user sees of a failure: one line and an exit code. */
export interface Failure {
  readonly exitCode: ExitCode
  readonly message: string
}

const tagOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
    ? error._tag
    : undefined

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === "string" ? error : String(error)

/** One line: newlines in a message (e.g. from the platform) would split it. */
const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, " ").trim()

/** A store failure's exit code by its reason: a bad URL is usage, a refusal auth, an outage the platform's. */
const storeExitCode = (error: unknown): ExitCode => {
  switch ((error as { readonly reason?: unknown }).reason) {
    case "invalid-url":
    case "missing-package":
      return ExitCode.usage
    case "denied":
      return ExitCode.auth
    case "unavailable":
      return ExitCode.platform
    default:
      return ExitCode.badInput
  }
}

/**
 * Maps what a command threw to an exit code and a one-line message. Core's errors are typed
 * (`_tag`) and their messages carry no secret (only key ids), so they are shown as they are; an
 * error of unknown kind is a bug (exit 70) and shows only its message.
 */
export const describeFailure = (error: unknown): Failure => {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: oneLine(error.reason) }
  const message = oneLine(messageOf(error))
  switch (tagOf(error)) {
    case "ProfileFormatError":
    case "ProfileIOError":
    case "OutboxError":
      return { exitCode: ExitCode.badInput, message }
    case "StoreError":
      return { exitCode: storeExitCode(error), message }
    case "ProfileArgumentError":
    case "DriftOptionsError":
    case "MonitorsFileError":
      return { exitCode: ExitCode.usage, message }
    case "ApiKeyError":
    case "AuthError":
    case "ConfigError":
    case "SessionInitError":
    case "UploadNotSupportedError":
      return { exitCode: ExitCode.auth, message }
    case "PlatformError": {
      const status = (error as { readonly status?: number | undefined }).status
      return { exitCode: status === 401 || status === 403 ? ExitCode.auth : ExitCode.platform, message }
    }
    case "TimeoutError":
      return { exitCode: ExitCode.platform, message }
    case "SessionFileError":
    case "SessionClosedError":
      return { exitCode: ExitCode.failure, message }
    default:
      return { exitCode: ExitCode.internal, message: `internal error: ${message}` }
  }
}
