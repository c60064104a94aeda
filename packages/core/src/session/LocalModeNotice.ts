import { printLine } from "../node/promiseRuntime.js"

let noticed = false

/**
 * Says once per process, in one line on stderr, that no session is configured: where profiles stay
 * (`where`, e.g. "in /app/sketchlog-profiles/<dataset>/ (the first file 10 s after the first
 * request, …)") and how to upload instead. Printed by whatever chose local mode on the user's
 * behalf: `defaultInit()` (the adapters) or a `createRollingLogger()` given no session.
 */
export const noticeLocalMode = (where: string | undefined): void => {
  if (noticed) return
  noticed = true
  printLine(
    "warning",
    `no session configured, profiles stay on this machine${where === undefined ? "" : `, ${where}`}; to upload, call init({ apiKey }) or set WHYLABS_API_KEY and WHYLABS_DEFAULT_ORG_ID`,
  )
}
