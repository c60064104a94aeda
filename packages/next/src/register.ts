import type { HttpProfilerOptions } from "@sketchlog/core/adapter"
import { loadNodePart } from "./internal/loadNodePart.js"
import { processState } from "./internal/processState.js"
import { explainEdgeOnce, isEdgeRuntime } from "./internal/runtime.js"

/**
 * Options of `register()`: core's profiler options (`datasetId`, `sessionOptions`, `profileDir`,
 * `ignore`, `include`/`exclude`, `redact`, `sampleRate`, `segmentOn`, `logger`, …).
 */
export type SketchlogNextOptions = HttpProfilerOptions

/**
 * Opens sketchlog for the server process; call it from `instrumentation.ts`:
 *
 * ```ts
 * import { register as registerSketchlog } from "@sketchlog/next"
 * export async function register() {
 *   await registerSketchlog({ datasetId: "model-1" })
 * }
 * ```
 *
 * It resolves the session and starts the rolling logger once per process: the profiler is kept on
 * `globalThis`, so the second and later calls (`next dev` evaluates `instrumentation.ts` again on hot
 * reloads) return at once and keep the first call's options. Every `withSketchlog` and
 * `withSketchlogApi` route without options of its own profiles into it. On SIGTERM the logger is
 * closed (every accepted row written) after Next.js has finished its requests and before the process
 * exits. On the edge runtime it prints a one-line explanation and does nothing. Rejects only for a
 * bad option (`HttpOptionsError`, naming the option); a session or logger that cannot start is
 * reported through `onError` (default: one line on stderr) and requests go on unprofiled.
 */
export const register = async (options: SketchlogNextOptions = {}): Promise<void> => {
  if (isEdgeRuntime()) {
    explainEdgeOnce()
    return
  }
  const state = processState()
  state.registration ??= loadNodePart().then((node) => node.openRegistration(options))
  const registration = state.registration
  try {
    await registration
  } catch (error) {
    // Only a bad option gets here (the session and the logger report through onError): fail where
    // it was written, and let a corrected call (a hot reload) try again.
    if (state.registration === registration) state.registration = undefined
    throw error
  }
}
