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

/** Every profiler the registry holds (not yet closed). */
export const sharedHttpProfilers = (): ReadonlyArray<HttpProfiler> => [...registry().values()]

/** Closes every shared profiler (for shutdown hooks); each writes all its profiles first. */
export const closeSharedHttpProfilers = async (): Promise<void> => {
  await Promise.all(sharedHttpProfilers().map((profiler) => profiler.close()))
}
