import type { KllCoin } from "../../kll/KllCoin.js"
import { KLL_M, maxLevelsForN } from "./KllCapacity.js"
import { generalCompress, mergeSortedInto } from "./KllCompaction.js"

/** A sketch's items and level boundaries, as a merge reads them. */
export interface KllLevels {
  readonly items: Float64Array
  /** Rewritten by `mergeHigherLevels` (the target's). */
  readonly levels: Uint32Array
  readonly numLevels: number
}

/** The target's item buffer and level count after a merge (its `levels` are rewritten in place). */
export interface MergedLevels {
  readonly items: Float64Array
  readonly numLevels: number
}

const levelSize = (sketch: KllLevels, level: number): number =>
  level < sketch.numLevels ? sketch.levels[level + 1]! - sketch.levels[level]! : 0

/**
 * The work space of `merge` (every item of both sketches, and two level tables), kept between merges:
 * a fleet reader merges thousands of sketches in a row, and a fresh buffer for each costs more than the
 * merge of its levels. Merges never nest, so one is enough; a huge one (k in the tens of thousands) is
 * not kept.
 */
const mergeScratch = (() => {
  const KEEP_ITEMS = 1 << 20
  let items = new Float64Array(0)
  const levels = [new Uint32Array(64), new Uint32Array(64)]
  return {
    /** Room for `size` items (contents undefined: merge writes before it reads). */
    items(size: number): Float64Array {
      if (size <= items.length) return items
      const fresh = new Float64Array(Math.max(size, 2 * items.length))
      if (fresh.length <= KEEP_ITEMS) items = fresh
      return fresh
    },
    /** Level table `which` (0 or 1), zeroed, with at least `size` entries. */
    levels(which: 0 | 1, size: number): Uint32Array {
      if (size > levels[which]!.length) levels[which] = new Uint32Array(size)
      return levels[which]!.fill(0)
    },
  }
})()

/**
 * Merges `other`'s levels above zero into `self` (whose level zero already holds `other`'s level
 * zero): every level of both merged level by level into the work space, then compacted until the
 * items fit the capacity of a sketch of `finalN` items, as the reference's merge does.
 */
export const mergeHigherLevels = (
  self: KllLevels,
  other: KllLevels,
  k: number,
  finalN: number,
  levelZeroSorted: boolean,
  coin: KllCoin,
): MergedLevels => {
  const tmpNumItems =
    self.levels[self.numLevels] -
    self.levels[0] +
    (other.numLevels === 1 ? 0 : other.levels[other.numLevels] - other.levels[1])
  const work = mergeScratch.items(tmpNumItems)
  const provisional = Math.max(self.numLevels, other.numLevels)
  const levelsSize = Math.max(maxLevelsForN(finalN), provisional) + 2
  const workLevels = mergeScratch.levels(0, levelsSize)
  const outLevels = mergeScratch.levels(1, levelsSize)

  // Level zero of this sketch (which now holds the other's level zero too), then both sketches'
  // higher levels merged level by level.
  work.set(self.items.subarray(self.levels[0], self.levels[1]), 0)
  workLevels[1] = levelSize(self, 0)
  for (let lvl = 1; lvl < provisional; lvl++) {
    const selfPop = levelSize(self, lvl)
    const otherPop = levelSize(other, lvl)
    workLevels[lvl + 1] = workLevels[lvl] + selfPop + otherPop
    const at = workLevels[lvl]
    if (selfPop > 0 && otherPop === 0) {
      work.set(self.items.subarray(self.levels[lvl], self.levels[lvl] + selfPop), at)
    } else if (selfPop === 0 && otherPop > 0) {
      work.set(other.items.subarray(other.levels[lvl], other.levels[lvl] + otherPop), at)
    } else if (selfPop > 0 && otherPop > 0) {
      mergeSortedInto(
        self.items,
        self.levels[lvl],
        selfPop,
        other.items,
        other.levels[lvl],
        otherPop,
        work,
        at,
      )
    }
  }

  const result = generalCompress(k, KLL_M, provisional, work, workLevels, outLevels, levelZeroSorted, coin)
  const items = result.capacity === self.items.length ? self.items : new Float64Array(result.capacity)
  const freeAtBottom = result.capacity - result.numItems
  items.set(work.subarray(outLevels[0], outLevels[0] + result.numItems), freeAtBottom)
  const offset = freeAtBottom - outLevels[0]
  self.levels.fill(0)
  for (let lvl = 0; lvl <= result.numLevels; lvl++) self.levels[lvl] = outLevels[lvl] + offset
  return { items, numLevels: result.numLevels }
}
