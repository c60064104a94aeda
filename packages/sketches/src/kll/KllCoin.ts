/**
 * The source of the one random bit a KLL compaction uses: whether the odd- or even-indexed items of a
 * sorted level survive a halving. Injectable so that compaction can be made reproducible.
 */
export interface KllCoin {
  /** Returns 0 or 1; called exactly once per halving of a level. */
  flip(): number
}

/** xorshift32: fast, good enough for a fair bit, never returns to zero from a non-zero state. */
class XorShiftCoin implements KllCoin {
  private state: number
  constructor(seed: number) {
    // Zero is the one fixed point of xorshift; any other 32-bit seed works.
    this.state = seed >>> 0 || 0x9e3779b9
  }
  flip(): number {
    let x = this.state
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.state = x >>> 0
    return x >>> 31
  }
}

/** Alternates 0, 1, 0, … from a start value, like DataSketches' KLL_VALIDATION build. */
class DeterministicCoin implements KllCoin {
  constructor(private next: number) {}
  flip(): number {
    const bit = this.next
    this.next = 1 - bit
    return bit
  }
}

/** Ready-made coins. */
export const KllCoin = {
  /**
   * The default: a fair coin seeded from `Math.random`, so two sketches fed the same data keep
   * different samples (that independence is what the error bound assumes).
   */
  random: (): KllCoin => new XorShiftCoin((Math.random() * 0x1_0000_0000) >>> 0),
  /** A fair coin with a fixed seed: reproducible runs, e.g. in property tests. */
  seeded: (seed: number): KllCoin => new XorShiftCoin(seed),
  /**
   * The deterministic coin of DataSketches' validation build: returns `start` on the first halving and
   * flips on every halving after that. Reproduces the `det` test vectors byte for byte; it is not
   * random, so accuracy guarantees do not hold with it.
   */
  deterministic: (start: 0 | 1 = 0): KllCoin => new DeterministicCoin(start),
} as const
