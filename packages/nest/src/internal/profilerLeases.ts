import type { HttpProfiler } from "@sketchlog/core"

/**
 * How many `SessionModule` instances (across every application of the process) hold each shared
 * profiler. Core's registry hands one profiler to every registration with equal options, and its
 * `close()` is final; counting the holders lets one application close without cutting off another
 * that still serves (two apps in a test run, a hybrid process), and lets the last one write everything.
 */
const holders = new WeakMap<HttpProfiler, number>()

/** Notes one more holder of `profiler`. */
export const holdProfiler = (profiler: HttpProfiler): void => {
  holders.set(profiler, (holders.get(profiler) ?? 0) + 1)
}

/** Lets go of `profiler`; closes it (writing every profile) when no holder is left. */
export const releaseProfiler = async (profiler: HttpProfiler): Promise<void> => {
  const left = (holders.get(profiler) ?? 1) - 1
  if (left > 0) {
    holders.set(profiler, left)
    return
  }
  holders.delete(profiler)
  await profiler.close()
}
