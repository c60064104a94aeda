/** How a measurement warms up before it is timed. */
export interface WarmUp {
  /** Keep calling for this long (ms) first, so the code is measured optimized (default: one call). */
  readonly millis?: number
  /** …but at most this many calls (default 200). */
  readonly maxCalls?: number
}

/** Best wall time of `runs` calls of `f`, in milliseconds, after the warm-up (one call by default). */
export const bestOf = (runs: number, f: () => void, warmUp: WarmUp = {}): number => {
  if (warmUp.millis === undefined) f()
  else {
    const until = performance.now() + warmUp.millis
    const maxCalls = warmUp.maxCalls ?? 200
    for (let i = 0; i < maxCalls && performance.now() < until; i++) f()
  }
  let best = Number.POSITIVE_INFINITY
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    f()
    best = Math.min(best, performance.now() - t0)
  }
  return best
}
