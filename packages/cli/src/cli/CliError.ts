import { Data } from "effect"
import type { ExitCode } from "./ExitCode.js"

/**
 * A failure the command reports as one line on stderr and an exit code. Commands throw it (core's
 * typed errors are translated by `describeFailure`); its message never holds a secret.
 */
export class CliError extends Data.TaggedError("CliError")<{
  readonly exitCode: ExitCode
  readonly reason: string
}> {
  override get message(): string {
    return this.reason
  }
}

/** A wrong command line (exit 2). */
export const usageError = (reason: string): CliError => new CliError({ exitCode: 2, reason })

/** A missing or unreadable input file (exit 3). */
export const inputError = (reason: string): CliError => new CliError({ exitCode: 3, reason })

/** Not signed in or credentials refused (exit 4). */
export const authError = (reason: string): CliError => new CliError({ exitCode: 4, reason })
