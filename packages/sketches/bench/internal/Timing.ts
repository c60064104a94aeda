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

/**
 * The cost of one call, in µs: the median over rounds and the spread (fastest, slowest round) of wall
 * time, and the median of the process's CPU time (less sensitive to other processes on a shared
 * machine; it includes the garbage collector's threads).
 */
export interface PerCall {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly cpu: number
}

/**
 * Microseconds per call of a fast `f`: calls for `warmMillis` first (so it runs optimized), then
 * `rounds` rounds of as many calls as fill about `roundMillis` each; each round's mean per call is one
 * sample. The spread between rounds shows how noisy the machine was.
 */
export const perCall = (
  f: () => void,
  options: { readonly rounds?: number; readonly roundMillis?: number; readonly warmMillis?: number } = {},
): PerCall => {
  const rounds = options.rounds ?? 9
  const roundMillis = options.roundMillis ?? 20
  let calls = 0
  const warmUntil = performance.now() + (options.warmMillis ?? 100)
  while (performance.now() < warmUntil || calls < 10) {
    f()
    calls++
  }
  // calibrate: calls per round from one timed batch
  const probe = Math.max(1, Math.ceil(calls / 10))
  const t0 = performance.now()
  for (let i = 0; i < probe; i++) f()
  const each = Math.max((performance.now() - t0) / probe, 1e-6)
  const batch = Math.max(1, Math.round(roundMillis / each))
  const samples: Array<number> = []
  const cpu: Array<number> = []
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage()
    const start = performance.now()
    for (let i = 0; i < batch; i++) f()
    samples.push(((performance.now() - start) * 1000) / batch)
    const used = process.cpuUsage(cpu0)
    cpu.push((used.user + used.system) / batch)
  }
  samples.sort((a, b) => a - b)
  cpu.sort((a, b) => a - b)
  return {
    median: samples[rounds >> 1]!,
    min: samples[0]!,
    max: samples[rounds - 1]!,
    cpu: cpu[rounds >> 1]!,
  }
}
