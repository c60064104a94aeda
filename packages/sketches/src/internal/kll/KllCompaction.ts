/**
 * The compaction steps of a KLL sketch over a flat item buffer, in the exact order of operations of
 * Apache DataSketches (kll_helper), because the surviving items and their positions are part of the
 * serialized bytes.
 */
import type { KllCoin } from "../../kll/KllCoin.js"
import { levelCapacity, totalCapacity } from "./KllCapacity.js"

/**
 * Keeps every other item of the sorted run `buf[start, start+length)` (length even), starting at
 * `offset` (0 or 1), packed into the lower half of the run.
 */
export const halveDown = (buf: Float64Array, start: number, length: number, offset: number): void => {
  const end = start + length / 2
  let j = start + offset
  for (let i = start; i < end; i++) {
    buf[i] = buf[j]
    j += 2
  }
}

/** Like {@link halveDown} but packs the survivors into the upper half of the run. */
export const halveUp = (buf: Float64Array, start: number, length: number, offset: number): void => {
  const stop = start + length / 2
  let j = start + length - 1 - offset
  for (let i = start + length - 1; i >= stop; i--) {
    buf[i] = buf[j]
    j -= 2
  }
}

/**
 * Merges the sorted runs A and B of one buffer into C, where C starts at or below where A and B start
 * (so a write never overtakes a read). On ties B's item goes first, as in the reference.
 */
export const mergeSortedWithin = (
  buf: Float64Array,
  startA: number,
  lenA: number,
  startB: number,
  lenB: number,
  startC: number,
): void => {
  const limA = startA + lenA
  const limB = startB + lenB
  const limC = startC + lenA + lenB
  let a = startA
  let b = startB
  for (let c = startC; c < limC; c++) {
    if (a === limA) buf[c] = buf[b++]
    else if (b === limB) buf[c] = buf[a++]
    else if (buf[a] < buf[b]) buf[c] = buf[a++]
    else buf[c] = buf[b++]
  }
}

/** Merges sorted runs of two buffers into a third; on ties B's item goes first. */
export const mergeSortedInto = (
  bufA: Float64Array,
  startA: number,
  lenA: number,
  bufB: Float64Array,
  startB: number,
  lenB: number,
  out: Float64Array,
  startC: number,
): void => {
  const limA = startA + lenA
  const limB = startB + lenB
  const limC = startC + lenA + lenB
  let a = startA
  let b = startB
  for (let c = startC; c < limC; c++) {
    if (a === limA) out[c] = bufB[b++]
    else if (b === limB) out[c] = bufA[a++]
    else if (bufA[a] < bufB[b]) out[c] = bufA[a++]
    else out[c] = bufB[b++]
  }
}

const INSERTION_SORT_MAX = 16

/**
 * Sorts `buf[start, end)` ascending in place (the compaction of an unsorted level zero). Level zero is
 * small and sorted every few dozen updates, so this is a plain JS quicksort (median of three, insertion
 * sort below 16 items) rather than `TypedArray#sort`, whose per-call cost dominates at these sizes.
 * Items are never NaN; -0 and 0 compare equal, as with the reference's `<`.
 */
export const sortRange = (buf: Float64Array, start: number, end: number): void => {
  let lo = start
  let hi = end - 1
  // Recurse into the smaller part, loop on the larger: stack depth stays O(log n).
  while (hi - lo >= INSERTION_SORT_MAX) {
    const mid = lo + ((hi - lo) >>> 1)
    // Median of three to buf[mid], with buf[lo] ≤ buf[mid] ≤ buf[hi].
    if (buf[mid] < buf[lo]) swap(buf, mid, lo)
    if (buf[hi] < buf[mid]) {
      swap(buf, hi, mid)
      if (buf[mid] < buf[lo]) swap(buf, mid, lo)
    }
    const pivot = buf[mid]
    let i = lo
    let j = hi
    while (i <= j) {
      while (buf[i] < pivot) i++
      while (pivot < buf[j]) j--
      if (i <= j) {
        swap(buf, i, j)
        i++
        j--
      }
    }
    if (j - lo < hi - i) {
      sortRange(buf, lo, j + 1)
      lo = i
    } else {
      sortRange(buf, i, hi + 1)
      hi = j
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = buf[i]
    let j = i - 1
    while (j >= lo && v < buf[j]) {
      buf[j + 1] = buf[j]
      j--
    }
    buf[j + 1] = v
  }
}

const swap = (buf: Float64Array, a: number, b: number): void => {
  const t = buf[a]
  buf[a] = buf[b]
  buf[b] = t
}

/** What {@link generalCompress} leaves behind. */
export interface CompressResult {
  readonly numLevels: number
  readonly capacity: number
  readonly numItems: number
}

/**
 * Compacts the levels in `items` (boundaries `inLevels`, which must have room for two entries above
 * the top level) until the items fit the capacity of the (possibly grown) sketch, writing the new
 * boundaries to `outLevels`. Levels above zero are sorted before and after; level zero need not be.
 * Used by merge, where many levels may be over capacity at once.
 */
export const generalCompress = (
  k: number,
  m: number,
  numLevelsIn: number,
  items: Float64Array,
  inLevels: Uint32Array,
  outLevels: Uint32Array,
  isLevelZeroSorted: boolean,
  coin: KllCoin,
): CompressResult => {
  const startingItemCount = inLevels[numLevelsIn] - inLevels[0]
  let currentNumLevels = numLevelsIn
  let currentItemCount = startingItemCount
  let targetItemCount = totalCapacity(k, currentNumLevels, m)
  let done = false
  outLevels[0] = 0
  let level = 0
  while (!done) {
    // At the top: provide an empty level above it, counted only if it receives items.
    if (level === currentNumLevels - 1) inLevels[level + 2] = inLevels[level + 1]
    const rawBeg = inLevels[level]
    const rawLim = inLevels[level + 1]
    const rawPop = rawLim - rawBeg

    if (currentItemCount < targetItemCount || rawPop < levelCapacity(k, currentNumLevels, level, m)) {
      // Move the level down as it is.
      if (rawBeg !== outLevels[level]) items.copyWithin(outLevels[level], rawBeg, rawLim)
      outLevels[level + 1] = outLevels[level] + rawPop
    } else {
      // The sketch is over capacity and so is this level: halve it into the level above.
      const popAbove = inLevels[level + 2] - rawLim
      const oddPop = (rawPop & 1) === 1
      const adjBeg = oddPop ? rawBeg + 1 : rawBeg
      const adjPop = oddPop ? rawPop - 1 : rawPop
      const halfAdjPop = adjPop / 2

      if (oddPop) {
        // The odd item stays behind in this level.
        items[outLevels[level]] = items[rawBeg]
        outLevels[level + 1] = outLevels[level] + 1
      } else {
        outLevels[level + 1] = outLevels[level]
      }
      if (level === 0 && !isLevelZeroSorted) sortRange(items, adjBeg, adjBeg + adjPop)
      if (popAbove === 0) {
        halveUp(items, adjBeg, adjPop, coin.flip())
      } else {
        halveDown(items, adjBeg, adjPop, coin.flip())
        mergeSortedWithin(items, adjBeg, halfAdjPop, rawLim, popAbove, adjBeg + halfAdjPop)
      }
      currentItemCount -= halfAdjPop
      inLevels[level + 1] = inLevels[level + 1] - halfAdjPop
      // Compacting the old top level created a new one, and with it the room of a new bottom level.
      if (level === currentNumLevels - 1) {
        currentNumLevels++
        targetItemCount += levelCapacity(k, currentNumLevels, 0, m)
      }
    }
    if (level === currentNumLevels - 1) done = true
    level++
  }
  return { numLevels: currentNumLevels, capacity: targetItemCount, numItems: currentItemCount }
}
