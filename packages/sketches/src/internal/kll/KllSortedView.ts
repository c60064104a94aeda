/**
 * All retained items of a KLL sketch in ascending order with their cumulative weights — what every
 * quantile, rank, CDF and PMF query reads. Built like DataSketches builds it: level zero (already
 * sorted) first, then each higher level merged in, an earlier level's item first on ties.
 */
export class KllSortedView {
  private constructor(
    /** Retained items, ascending. */
    readonly items: Float64Array,
    /** `cumWeights[i]` = total weight of `items[0..i]` (inclusive); exact below 2^53. */
    readonly cumWeights: Float64Array,
    /** Sum of all weights, i.e. the sketch's n. */
    readonly totalWeight: number,
  ) {}

  /** Builds the view; level zero of `items` must already be sorted. */
  static build(items: Float64Array, levels: Uint32Array, numLevels: number): KllSortedView {
    const size = levels[numLevels] - levels[0]
    let curItems = new Float64Array(size)
    let curWeights = new Float64Array(size)
    let nextItems = new Float64Array(size)
    let nextWeights = new Float64Array(size)
    let count = 0
    for (let level = 0, weight = 1; level < numLevels; level++, weight *= 2) {
      const from = levels[level]
      const to = levels[level + 1]
      if (from === to) continue
      // Merge the existing entries (first) with this level's sorted items.
      let a = 0
      let b = from
      let c = 0
      while (a < count && b < to) {
        if (items[b] < curItems[a]) {
          nextItems[c] = items[b++]
          nextWeights[c++] = weight
        } else {
          nextItems[c] = curItems[a]
          nextWeights[c++] = curWeights[a++]
        }
      }
      while (a < count) {
        nextItems[c] = curItems[a]
        nextWeights[c++] = curWeights[a++]
      }
      while (b < to) {
        nextItems[c] = items[b++]
        nextWeights[c++] = weight
      }
      count = c
      ;[curItems, nextItems] = [nextItems, curItems]
      ;[curWeights, nextWeights] = [nextWeights, curWeights]
    }
    let total = 0
    for (let i = 0; i < count; i++) {
      total += curWeights[i]
      curWeights[i] = total
    }
    return new KllSortedView(curItems, curWeights, total)
  }

  get size(): number {
    return this.items.length
  }

  /** Index of the first entry whose cumulative weight is ≥ `w` (or `size`). */
  firstCumAtLeast(w: number): number {
    let lo = 0
    let hi = this.cumWeights.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.cumWeights[mid] < w) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Index of the first entry whose cumulative weight is > `w` (or `size`). */
  firstCumAbove(w: number): number {
    let lo = 0
    let hi = this.cumWeights.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.cumWeights[mid] <= w) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Total weight of the items below `x` (`inclusive`: at or below `x`). */
  weightBelow(x: number, inclusive: boolean): number {
    let lo = 0
    let hi = this.items.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const item = this.items[mid]
      if (inclusive ? item <= x : item < x) lo = mid + 1
      else hi = mid
    }
    return lo === 0 ? 0 : this.cumWeights[lo - 1]
  }

  /** The item at `index`, or the largest item when `index` is past the end. */
  itemAt(index: number): number {
    return this.items[index < this.items.length ? index : this.items.length - 1]
  }
}
