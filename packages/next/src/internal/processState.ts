import type { AfterMode } from "./afterResponse.js"

/**
 * What the package keeps for the whole server process. It lives on `globalThis` under a registered
 * symbol, not in module scope, because Next.js evaluates `instrumentation.ts` and every route in
 * bundles of their own (each with its own copy of this package's modules), and `next dev` evaluates
 * them again on every hot reload: one slot shared by all of them is what makes `register()` happen
 * once and lets every route find the profiler it opened.
 */
export interface ProcessState {
  /** `register()`'s work, started by its first call (later calls await the same). */
  registration: Promise<void> | undefined
  /** The profiler `register()` opened (core's `HttpProfiler`), for routes without options of their own. */
  registered: unknown
  /** Profiling tasks started and not yet settled; a shutdown waits for them. */
  readonly pending: Set<Promise<void>>
  /** How many profiling tasks ran through Next's `after()` and how many without it. */
  readonly scheduled: Record<AfterMode, number>
  /** True once the SIGTERM hook is installed. */
  shutdownHooked: boolean
}

const slot = Symbol.for("@sketchlog/next")

/** The process's state, created on first use. */
export const processState = (): ProcessState => {
  const holder = globalThis as { [slot]?: ProcessState }
  holder[slot] ??= {
    registration: undefined,
    registered: undefined,
    pending: new Set(),
    scheduled: { after: 0, fallback: 0 },
    shutdownHooked: false,
  }
  return holder[slot]
}

/** Keeps `running` in the pending set until it settles. */
export const trackPending = (running: Promise<void>): void => {
  const { pending } = processState()
  pending.add(running)
  void running.finally(() => pending.delete(running))
}
