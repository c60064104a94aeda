import { isAbsolute, resolve } from "node:path"

/** The environment variable that sets where local profiles go when no `profileDir` option is given. */
export const PROFILE_DIR_ENV = "SKETCHLOG_PROFILE_DIR"

/** Where local profiles go when neither the option nor the environment says. */
export const DEFAULT_PROFILE_DIR = "sketchlog-profiles"

/** The environment variables the profile directory is read from. */
export type ProfileDirEnvironment = Readonly<Record<string, string | undefined>>

const given = (value: string | undefined): value is string => value !== undefined && value !== ""

/**
 * The folder the process was started from: `INIT_CWD` when npm or pnpm ran it as a script (they
 * change into the package's folder, `pnpm --filter app start` from the repository root included,
 * and say where the user stood in `INIT_CWD`), else the working directory.
 */
export const startDirectory = (env: ProfileDirEnvironment = process.env): string => {
  const initCwd = env.INIT_CWD
  return given(initCwd) && isAbsolute(initCwd) ? initCwd : process.cwd()
}

/**
 * The one place that decides where local profiles go, for every entry point (the adapters,
 * `createRollingLogger`, the collector, the CLI): the `profileDir` option, else
 * `SKETCHLOG_PROFILE_DIR`, else `./sketchlog-profiles`; a relative path is taken from where the
 * process was started (`startDirectory`). Resolved once, when the logger or profiler starts, so a
 * later `chdir` does not move the profiles. Profiles go to `<dir>/<dataset>/`.
 */
export const resolveProfileDir = (
  option?: string | undefined,
  env: ProfileDirEnvironment = process.env,
): string => {
  const fromEnv = env[PROFILE_DIR_ENV]
  const chosen = given(option) ? option : given(fromEnv) ? fromEnv : DEFAULT_PROFILE_DIR
  return resolve(startDirectory(env), chosen)
}
