import { Effect, Exit, RcMap, Scope } from "effect"
import type { HttpProfiler } from "./HttpProfiler.js"
import { makeRegisteredProfiler } from "./HttpProfiler.js"
import type { HttpProfilerOptions } from "./HttpProfilerOptions.js"
import { configurationKey } from "./internal/configurationKey.js"

/** The profilers running, by configuration, and the holds on them. */
interface Registry {
  readonly profilers: Map<string, HttpProfiler>
  /**
   * Holds on shared profilers, reference-counted by Effect: a hold is a reference in a scope of its
   * own, and when the last one goes the profiler is closed (every profile written).
   */
  readonly holds: RcMap.RcMap<HttpProfiler, HttpProfiler>
}

/**
 * The process-wide registry, on `globalThis` so that a module evaluated twice (Next's dev server
 * reloading, two bundles of one app) still finds the profilers already running.
 */
const REGISTRY = Symbol.for("sketchlog.core.httpProfilers")

const registry = (): Registry => {
  const global = globalThis as { [REGISTRY]?: Registry }
  global[REGISTRY] ??= {
    profilers: new Map(),
    holds: Effect.runSync(
      RcMap.make({
        lookup: (profiler: HttpProfiler) =>
          Effect.acquireRelease(Effect.succeed(profiler), (held) => Effect.promise(() => held.close())),
      }).pipe(Scope.extend(Effect.runSync(Scope.make()))),
    ),
  }
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
  const { profilers } = registry()
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

/**
 * The shared profiler for this configuration, held: it stays open until every hold on it is released
 * (or it is closed directly, e.g. by `closeSharedHttpProfilers()`). Adapters hold the profiler of each
 * middleware or module they make, so one application closing does not cut off another sharing the
 * profiler, and the last one writes everything. Throws `HttpOptionsError` for a bad option.
 */
export const holdSharedHttpProfiler = (options: HttpProfilerOptions = {}): HttpProfilerHold => {
  const profiler = sharedHttpProfiler(options)
  const scope = Effect.runSync(Scope.make())
  // Taken at once (the lookup is synchronous), so holds taken one after the other count in order.
  Effect.runSync(RcMap.get(registry().holds, profiler).pipe(Scope.extend(scope)))
  let released: Promise<void> | undefined
  return {
    profiler,
    release: () => {
      released ??= Effect.runPromise(Scope.close(scope, Exit.void))
      return released
    },
  }
}

/** Every profiler the registry holds (not yet closed). */
export const sharedHttpProfilers = (): ReadonlyArray<HttpProfiler> => [...registry().profilers.values()]

/** Closes every shared profiler (for shutdown hooks); each writes all its profiles first. */
export const closeSharedHttpProfilers = async (): Promise<void> => {
  await Promise.all(sharedHttpProfilers().map((profiler) => profiler.close()))
}
