import type { HttpProfiler } from "./HttpProfiler.js"
import { makeRegisteredProfiler } from "./HttpProfiler.js"
import type { HttpProfilerOptions } from "./HttpProfilerOptions.js"
import { configurationKey } from "./internal/configurationKey.js"

/**
 * The process-wide registry, on `globalThis` so that a module evaluated twice (Next's dev server
 * reloading, two bundles of one app) still finds the profilers already running.
 */
const REGISTRY = Symbol.for("sketchlog.core.httpProfilers")

const registry = (): Map<string, HttpProfiler> => {
  const global = globalThis as { [REGISTRY]?: Map<string, HttpProfiler> }
  global[REGISTRY] ??= new Map()
  return global[REGISTRY]
}

/**
 * The profiler for this configuration, shared process-wide: a middleware mounted twice, or a Nest
 * module imported by several modules, gets the same profiler (one session, one logger, each request
 * logged once) as long as the options are equal. Options are compared by content; functions, sessions
 * and other class instances by identity (two different `ignore` functions make two profilers). A
 * closed profiler leaves the registry, so the next call starts a fresh one. Throws `HttpOptionsError`
 * for a bad option.
 */
export const sharedHttpProfiler = (options: HttpProfilerOptions = {}): HttpProfiler => {
  const key = configurationKey(options)
  const profilers = registry()
  const existing = profilers.get(key)
  if (existing !== undefined) return existing
  const profiler = makeRegisteredProfiler(options, (closed) => {
    if (profilers.get(key) === closed) profilers.delete(key)
  })
  profilers.set(key, profiler)
  return profiler
}

/** A reference to a shared profiler, from `holdSharedHttpProfiler`. */
export interface HttpProfilerHold {
  /** The shared profiler (the one `sharedHttpProfiler` gives for the same options). */
  readonly profiler: HttpProfiler
  /**
   * Lets go of the profiler: the last hold to be released closes it (every profile written, the
   * session closed when the profiler opened it). Idempotent; resolves once that close is done.
   */
  release(): Promise<void>
}

const HOLDS = Symbol.for("sketchlog.core.httpProfilerHolds")

/** Holds per profiler, on `globalThis` like the registry (a module evaluated twice shares them). */
const holdCounts = (): WeakMap<HttpProfiler, number> => {
  const global = globalThis as { [HOLDS]?: WeakMap<HttpProfiler, number> }
  global[HOLDS] ??= new WeakMap()
  return global[HOLDS]
}

/**
 * The shared profiler for this configuration, held: it stays open until every hold on it is released
 * (or it is closed directly, e.g. by `closeSharedHttpProfilers()`). Adapters hold the profiler of each
 * middleware or module they make, so one application closing does not cut off another sharing the
 * profiler, and the last one writes everything. Throws `HttpOptionsError` for a bad option.
 */
export const holdSharedHttpProfiler = (options: HttpProfilerOptions = {}): HttpProfilerHold => {
  const profiler = sharedHttpProfiler(options)
  const counts = holdCounts()
  counts.set(profiler, (counts.get(profiler) ?? 0) + 1)
  let released: Promise<void> | undefined
  return {
    profiler,
    release: () => {
      released ??= (async () => {
        const left = (counts.get(profiler) ?? 1) - 1
        if (left > 0) {
          counts.set(profiler, left)
          return
        }
        counts.delete(profiler)
        await profiler.close()
      })()
      return released
    },
  }
}

/** Every profiler the registry holds (not yet closed). */
export const sharedHttpProfilers = (): ReadonlyArray<HttpProfiler> => [...registry().values()]

/** Closes every shared profiler (for shutdown hooks); each writes all its profiles first. */
export const closeSharedHttpProfilers = async (): Promise<void> => {
  await Promise.all(sharedHttpProfilers().map((profiler) => profiler.close()))
}
