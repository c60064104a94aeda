/**
 * whylogs' `ints` metric: the least and greatest integer seen, exact as int64. Before any integer (a
 * boolean-only integral column, say) they hold whylogs' sentinels: min = 2^63 − 1, max = −(2^63 − 1).
 */
export class IntsMetric {
  constructor(
    readonly min: bigint,
    readonly max: bigint,
  ) {}

  /** whylogs' starting values (`sys.maxsize` and `-sys.maxsize`). */
  static readonly empty: IntsMetric = new IntsMetric((1n << 63n) - 1n, -((1n << 63n) - 1n))

  /** Least of the minimums, greatest of the maximums. */
  merge(other: IntsMetric): IntsMetric {
    return new IntsMetric(lesser(this.min, other.min), greater(this.max, other.max))
  }

  /** `ints/max`, `ints/min` (as numbers: beyond 2^53 they are the nearest double). */
  summary(): Record<string, number> {
    return { "ints/max": Number(this.max), "ints/min": Number(this.min) }
  }
}

/** The smaller bigint (Math.min takes numbers only). */
const lesser = (a: bigint, b: bigint): bigint => {
  if (b < a) return b
  return a
}

/** The greater bigint. */
const greater = (a: bigint, b: bigint): bigint => {
  if (b > a) return b
  return a
}
