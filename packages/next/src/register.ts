import type { HttpProfilerOptions } from "@sketchlog/core"
import { loadNodePart } from "./internal/nodePart.js"
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
 * exits. On the edge runtime it prints a one-line explanation and does nothing. Never rejects:
 * failures are reported through `onError` (default: one line on stderr) and requests go on unprofiled.
 */
export const register = async (options: SketchlogNextOptions = {}): Promise<void> => {
  if (isEdgeRuntime()) {
    explainEdgeOnce()
    return
  }
  const state = processState()
  state.registration ??= loadNodePart().then((node) => node.openRegistration(options))
  try {
    await state.registration
  } catch {
    // Reported through onError by the node part; the server must start regardless.
  }
}
