/**
 * True on Next.js's edge runtime (and other worker runtimes), where the rolling logger and the local
 * writer cannot run: `NEXT_RUNTIME` says so under Next.js, the `EdgeRuntime` global elsewhere.
 */
export const isEdgeRuntime = (): boolean => {
  if (typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime === "string") return true
  const env = typeof process === "undefined" ? undefined : process.env
  return env === undefined || env.NEXT_RUNTIME === "edge"
}

/** The one line printed when profiling is off because the code runs on the edge runtime. */
export const EDGE_NOTICE =
  "sketchlog: profiling is off on the edge runtime (the rolling logger needs Node.js); " +
  "these routes are served unprofiled — use the default Node.js runtime to profile them"

const noticeSlot = Symbol.for("@sketchlog/next.edge-notice")

/** Prints `EDGE_NOTICE` once per process (or isolate), however many routes and registrations ask. */
export const explainEdgeOnce = (): void => {
  const holder = globalThis as { [noticeSlot]?: true }
  if (holder[noticeSlot]) return
  holder[noticeSlot] = true
  console.warn(EDGE_NOTICE)
}
