/** The environment variable that sends profiles to a store when no option names a destination. */
export const STORE_ENV = "SKETCHLOG_STORE"

/**
 * The store profiles go to: the `store` option, else `SKETCHLOG_STORE`, else none (the default
 * writers). A store is a directory or `s3://bucket/prefix` (with `@sketchlog/s3` installed).
 */
export const resolveStoreUrl = (option: string | undefined): string | undefined => {
  if (option !== undefined && option.trim() !== "") return option.trim()
  const fromEnv = process.env[STORE_ENV]?.trim()
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv
}
