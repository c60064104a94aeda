import type { FrequentItemsErrorType, FrequentStringsSketch } from "@sketchlog/sketches"
import { RunningSketch } from "../internal/RunningSketch.js"
import type { SketchCell } from "../internal/SketchCell.js"
import { frequentCodec } from "../internal/SketchCodecs.js"

/** One frequent value as whylogs' summary lists it: the stored text, its estimate and bounds. */
export interface FrequentItem {
  readonly value: string
  readonly est: number
  readonly upper: number
  readonly lower: number
}

/**
 * whylogs' `frequent_items` metric: a frequent-strings sketch (lgMaxMapSize 10) of every non-null value
 * as text: integers as `%lld`, other numbers as `%f` ("2.500000"), booleans as "True"/"False", strings
 * cut to 128 code points. So `1` and `"1"` are one item.
 */
export class FrequentItemsMetric {
  constructor(
    /** The frequent-strings sketch; query it through this metric, or take a `sketch()` copy. */
    readonly frequentStrings: SketchCell<FrequentStringsSketch>,
  ) {}

  /**
   * The frequent items, most frequent first, as whylogs' summary gives them: by default those with no
   * false positives above the sketch's maximum error.
   */
  items(
    errorType: FrequentItemsErrorType = "NO_FALSE_POSITIVES",
    threshold?: number,
  ): ReadonlyArray<FrequentItem> {
    const rows = this.frequentStrings.peek().getFrequentItems(errorType, threshold)
    return rows.map((row) => ({
      value: row.item,
      est: row.estimate,
      upper: row.upperBound,
      lower: row.lowerBound,
    }))
  }

  /** An independent copy of the frequent-strings sketch. */
  sketch(): FrequentStringsSketch {
    return this.frequentStrings.copy()
  }

  /** Both sketches merged into a fresh one. */
  merge(other: FrequentItemsMetric): FrequentItemsMetric {
    return new FrequentItemsTotal(this).add(other).result()
  }

  /** `frequent_items/frequent_strings`: the list whylogs' summary gives. */
  summary(): Record<string, ReadonlyArray<FrequentItem>> {
    return { "frequent_items/frequent_strings": this.items() }
  }
}

/**
 * A running merge of frequent-items metrics (internal: what `merge` and the profile accumulator use):
 * the frequent-strings sketches merged into one in place. One metric alone is given back as it is.
 */
export class FrequentItemsTotal {
  readonly #sketch: RunningSketch<FrequentStringsSketch>
  #single: FrequentItemsMetric | undefined

  constructor(first: FrequentItemsMetric) {
    this.#sketch = new RunningSketch(frequentCodec, first.frequentStrings)
    this.#single = first
  }

  /** Whether `add(other)` can succeed: the total weight must stay an exact integer (at most 2^53 − 1). */
  canAdd(other: FrequentItemsMetric): boolean {
    const total = this.#sketch.peek().totalWeight + other.frequentStrings.peek().totalWeight
    return total <= Number.MAX_SAFE_INTEGER
  }

  add(other: FrequentItemsMetric): this {
    this.#sketch.merge(other.frequentStrings)
    this.#single = undefined
    return this
  }

  result(): FrequentItemsMetric {
    return this.#single ?? new FrequentItemsMetric(this.#sketch.result())
  }
}
