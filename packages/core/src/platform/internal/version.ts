/**
 * The version sent in `User-Agent: sketchlog/<version>`. Kept as a constant so no file is read at
 * run time (bundlers such as Next's cannot follow that); a test checks it against package.json.
 */
export const SKETCHLOG_VERSION = "0.0.0"

/** The User-Agent of every platform call. */
export const USER_AGENT = `sketchlog/${SKETCHLOG_VERSION}`
