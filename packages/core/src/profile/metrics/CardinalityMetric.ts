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
    return new CardinalityTotal(this).add(other).result()
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

/**
 * A running merge of cardinality metrics (internal: what `merge` and the profile accumulator use): one
 * HLL union every sketch is folded into, the result HLL_4. Its lgMaxK is the larger lgK of the first two
 * sketches (at least whylogs' 12), as a merge of two uses; a later sketch of a larger lgK starts a union
 * of that lgK from the result so far, as chained `merge` calls do. One metric alone is given back as it is.
 */
export class CardinalityTotal {
  #single: CardinalityMetric | undefined
  #union: HllUnion | undefined = undefined

  constructor(first: CardinalityMetric) {
    this.#single = first
  }

  add(other: CardinalityMetric): this {
    const sketch = other.hll.peek()
    if (this.#union === undefined) {
      this.#union = unionOf((this.#single as CardinalityMetric).hll.peek(), sketch)
    } else if (sketch.lgK > this.#union.lgMaxK) {
      this.#union = unionOf(this.#union.getResult("HLL_4"), sketch)
    } else {
      this.#union.update(sketch)
    }
    this.#single = undefined
    return this
  }

  result(): CardinalityMetric {
    if (this.#union === undefined) return this.#single as CardinalityMetric
    return new CardinalityMetric(SketchCell.ofSketch(hllCodec, this.#union.getResult("HLL_4")))
  }
}

/** whylogs uses lgK 12; a profile written with a larger lgK keeps its precision in the union. */
const unionOf = (a: HllSketch, b: HllSketch): HllUnion => {
  const union = new HllUnion(Math.max(HLL_LG_K, a.lgK, b.lgK))
  union.update(a)
  union.update(b)
  return union
}
