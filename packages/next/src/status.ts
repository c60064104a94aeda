import type { HttpProfiler, HttpProfilerStatus } from "@sketchlog/core/adapter"
import type { AfterMode } from "./internal/afterResponse.js"
import { processState } from "./internal/processState.js"

/** What `sketchlogStatus()` reports; never holds a secret. */
export interface SketchlogNextStatus {
  /** The profiler `register()` opened (its state, counts and the logger's status), if any. */
  readonly profiler: HttpProfilerStatus | undefined
  /**
   * How route handlers' profiling work was scheduled: `after` through Next.js's `after()`,
   * `fallback` started at once because `after()` was unavailable (outside a Next.js request).
   */
  readonly scheduled: Readonly<Record<AfterMode, number>>
  /** Profiling tasks started and not finished yet. */
  readonly pending: number
}

/**
 * The process's profiling status, for a health or debug route:
 * `export const GET = async () => Response.json(await sketchlogStatus())`. Loads nothing.
 */
export const sketchlogStatus = async (): Promise<SketchlogNextStatus> => {
  const state = processState()
  const registered = state.registered as HttpProfiler | undefined
  return {
    profiler: await registered?.status(),
    scheduled: { ...state.scheduled },
    pending: state.pending.size,
  }
}
