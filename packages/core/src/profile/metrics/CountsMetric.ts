/**
 * whylogs' `counts` metric: values seen (`n`, nulls included), `null` (null, undefined and NaN),
 * `nan`, `inf` (±Infinity) and `true` (booleans that are true). All exact; merged by adding.
 */
export class CountsMetric {
  readonly n: number
  readonly null: number
  readonly nan: number
  readonly inf: number
  readonly true: number

  constructor(n: number, nulls: number, nan: number, inf: number, trues: number) {
    this.n = n
    this.null = nulls
    this.nan = nan
    this.inf = inf
    this.true = trues
  }

  /** The sum of both counts. */
  merge(other: CountsMetric): CountsMetric {
    return new CountsMetric(
      this.n + other.n,
      this.null + other.null,
      this.nan + other.nan,
      this.inf + other.inf,
      this.true + other.true,
    )
  }

  /** `counts/*` summary fields. */
  summary(): Record<string, number> {
    return {
      "counts/inf": this.inf,
      "counts/n": this.n,
      "counts/nan": this.nan,
      "counts/null": this.null,
      "counts/true": this.true,
    }
  }
}
