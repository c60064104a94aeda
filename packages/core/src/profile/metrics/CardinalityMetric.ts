import type { HllSketch } from "@sketchlog/sketches"
import { HllUnion } from "@sketchlog/sketches"
import { SketchCell } from "../internal/SketchCell.js"
import { HLL_LG_K, hllCodec } from "../internal/SketchCodecs.js"

/**
 * whylogs' `cardinality` metric: an HLL sketch (lgK 12, HLL_4) of the distinct values. Integers hash as
 * int64, other numbers as doubles, strings as UTF-8, booleans as the integers 1/0 (so `1` and `true`
 * are one value, `1` and `1.5` two).
 */
export class CardinalityMetric {
  constructor(
    /** The HLL sketch; query it through this metric, or take a `sketch()` copy. */
    readonly hll: SketchCell<HllSketch>,
  ) {}

  /** Estimated number of distinct values. */
  get estimate(): number {
    return this.hll.peek().estimate
  }

  /** Upper bound at `numStdDev` (1–3) standard deviations. */
  upperBound(numStdDev: 1 | 2 | 3): number {
    return this.hll.peek().upperBound(numStdDev)
  }

  /** Lower bound at `numStdDev` (1–3) standard deviations. */
  lowerBound(numStdDev: 1 | 2 | 3): number {
    return this.hll.peek().lowerBound(numStdDev)
  }

  /** An independent copy of the HLL sketch. */
  sketch(): HllSketch {
    return this.hll.copy()
  }

  /** The union of both sketches, as HLL_4. */
  merge(other: CardinalityMetric): CardinalityMetric {
    const [a, b] = [this.hll.peek(), other.hll.peek()]
    // whylogs uses lgK 12; a profile written with a larger lgK keeps its precision in the union.
    const union = new HllUnion(Math.max(HLL_LG_K, a.lgK, b.lgK))
    union.update(a)
    union.update(b)
    return new CardinalityMetric(SketchCell.ofSketch(hllCodec, union.getResult("HLL_4")))
  }

  /** `cardinality/est`, `cardinality/upper_1`, `cardinality/lower_1`. */
  summary(): Record<string, number> {
    const sketch = this.hll.peek()
    return {
      "cardinality/est": sketch.estimate,
      "cardinality/lower_1": sketch.lowerBound(1),
      "cardinality/upper_1": sketch.upperBound(1),
    }
  }
}
