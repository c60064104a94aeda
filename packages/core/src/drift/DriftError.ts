import { Data } from "effect"

/** A drift option is unusable: `option` names it (`hellinger.drift`, `histogram.maxBuckets`, …). */
export class DriftOptionsError extends Data.TaggedError("DriftOptionsError")<{
  readonly option: string
  readonly reason: string
}> {
  override get message(): string {
    return `drift option ${this.option}: ${this.reason}`
  }
}
