/** Peak memory of this process over a window, in bytes. */
export interface MemoryPeak {
  readonly rss: number
  readonly heapUsed: number
  readonly external: number
  readonly samples: number
}

/**
 * Samples `process.memoryUsage()` on a timer (unref'd: it never holds the process) and keeps the peak
 * since the last `reset()`. Sampled in the process under test, not estimated by the parent.
 */
export class MemorySampler {
  #peak = { rss: 0, heapUsed: 0, external: 0, samples: 0 }
  readonly #timer: NodeJS.Timeout

  constructor(everyMillis = 50) {
    this.sample()
    this.#timer = setInterval(() => this.sample(), everyMillis)
    this.#timer.unref()
  }

  /** Takes one sample now. */
  sample(): void {
    const m = process.memoryUsage()
    const p = this.#peak
    p.rss = Math.max(p.rss, m.rss)
    p.heapUsed = Math.max(p.heapUsed, m.heapUsed)
    p.external = Math.max(p.external, m.external + m.arrayBuffers)
    p.samples++
  }

  /** The peak since the last reset. */
  peak(): MemoryPeak {
    this.sample()
    return { ...this.#peak }
  }

  /** Starts a new window. */
  reset(): void {
    this.#peak = { rss: 0, heapUsed: 0, external: 0, samples: 0 }
    this.sample()
  }

  /**
   * Memory held after a full collection (needs `--expose-gc`; otherwise the current figures): what the
   * process keeps, as opposed to garbage not yet collected.
   */
  retained(): { readonly rss: number; readonly heapUsed: number } {
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    gc?.()
    const m = process.memoryUsage()
    return { rss: m.rss, heapUsed: m.heapUsed }
  }
}
