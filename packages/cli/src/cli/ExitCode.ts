/**
 * The exit codes of `sketchlog`, stable so scripts can branch on them (documented in the README).
 */
export const ExitCode = {
  /** Everything worked (for `diff`: no column crossed the failing verdict). */
  ok: 0,
  /** The command ran but found a problem: drift (`diff`), uploads that failed (`upload`), a file it could not write. */
  failure: 1,
  /** The command line is wrong: unknown command or option, missing argument, bad option value. */
  usage: 2,
  /** An input file is missing, unreadable, or not a whylogs v1 profile. */
  badInput: 3,
  /** Not signed in, credentials rejected, sign-in failed, or the configuration (config.ini, endpoint) is unusable. */
  auth: 4,
  /** The platform could not be reached, timed out, or answered with an error other than an auth refusal. */
  platform: 5,
  /** A bug in sketchlog (an unexpected error); the message says what was thrown. */
  internal: 70,
} as const

/** One of the exit codes above. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]
