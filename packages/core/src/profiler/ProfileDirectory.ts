import { resolve } from "node:path"

/** The environment variable that sets where local profiles go when no `profileDir` option is given. */
export const PROFILE_DIR_ENV = "SKETCHLOG_PROFILE_DIR"

/** Where local profiles go when neither the option nor the environment says. */
export const DEFAULT_PROFILE_DIR = "sketchlog-profiles"

/**
 * The directory local profiles are written to: the `profileDir` option, else `SKETCHLOG_PROFILE_DIR`,
 * else `./sketchlog-profiles`, resolved against the working directory once, when the profiler starts
 * (a later `chdir` does not move the profiles).
 */
export const resolveProfileDir = (option: string | undefined): string => {
  const fromEnv = process.env[PROFILE_DIR_ENV]
  const chosen =
    option !== undefined && option !== ""
      ? option
      : fromEnv !== undefined && fromEnv !== ""
        ? fromEnv
        : DEFAULT_PROFILE_DIR
  return resolve(chosen)
}
