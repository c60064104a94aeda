import type { CliIo } from "./CliIo.js"
import type { ExitCode } from "./ExitCode.js"

/** What every command gets: where to read and write, and where to leave a non-zero exit code. */
export interface CliContext {
  readonly io: CliIo
  /** The directory relative paths are resolved against. */
  readonly cwd: string
  /** The folder of local profiles when a reading command is given none (see `pathsOrDefault`). */
  readonly defaultProfileDir: () => string
  /** Set by a command that finished but must not exit 0 (drift found, some uploads failed). */
  exitCode: ExitCode
}
