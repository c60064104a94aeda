import type { KeyColumn } from "./KeyColumn.js"

/** Share of the slots that may be active before the map grows or purges (DataSketches' LOAD_FACTOR). */
const LOAD_FACTOR = 0.75
/** At most this many weights are sampled to find the purge median (DataSketches' MAX_SAMPLE_SIZE). */
const MAX_SAMPLE_SIZE = 1024
/** Golden-ratio stride DataSketches iterates with, so merges do not insert long runs of neighbours. */
const GOLDEN_RATIO_RECIPROCAL = (Math.sqrt(5) - 1) / 2

/** The golden-ratio stride over a table of `mask + 1` slots (odd: one lap visits every slot once). */
export const strideOf = (mask: number): number => Math.trunc((mask + 1) * GOLDEN_RATIO_RECIPROCAL) | 1

/**
 * Zeroed weights and hashes for `size` slots in one buffer: a decoded sketch, and every growth of a
 * map, allocates one block instead of two (fresh blocks are most of what decoding a small sketch costs).
 */
const slotTable = (size: number): { weights: Float64Array; hashes: Int32Array } => {
  const buffer = new ArrayBuffer(12 * size)
  return { weights: new Float64Array(buffer, 0, size), hashes: new Int32Array(buffer, 8 * size, size) }
}

/** Number of active items a table of 2^lg slots holds before it must grow or purge. */
export const mapCapacity = (lg: number): number => Math.floor((1 << lg) * LOAD_FACTOR)

/**
 * The reverse-purge hash map of Apache DataSketches' frequent-items sketches: linear probing over a
 * power-of-two table, grown by doubling up to 2^lgMax slots; once there, inserting past the load
 * factor purges: the median of (up to 1024) active weights is subtracted from every weight, items
 * that fall to ≤ 0 are deleted from the back of the table forwards, and the median is returned so
 * the sketch can add it to its offset (the maximum error).
 *
 * Instead of DataSketches' separate `states` array, a slot is active iff its weight is > 0 (weights
 * of active items are ≥ 1), and an item's drift (distance from its home slot + 1) is derived from its
 * stored hash. The resulting layout and every decision are the same as upstream's.
 */
export class ReversePurgeHashMap<C extends KeyColumn<unknown, unknown>> {
  lgCur: number
  readonly lgMax: number
  /** 2^lgCur − 1. */
  mask: number
  /** Active items allowed at the current size. */
  capacity: number
  numActive = 0
  /** Weight of each slot; 0 marks a free slot. Integers, exact below 2^53. */
  weights: Float64Array
  /** The slot hash of each active item (its home slot is `hash & mask`). */
  hashes: Int32Array
  keys: C
  #samples: Float64Array | undefined

  constructor(lgCur: number, lgMax: number, keys: C) {
    this.lgCur = lgCur
    this.lgMax = lgMax
    this.mask = (1 << lgCur) - 1
    this.capacity = mapCapacity(lgCur)
    const table = slotTable(1 << lgCur)
    this.weights = table.weights
    this.hashes = table.hashes
    this.keys = keys.withSize(1 << lgCur)
  }

  /**
   * Adds `weight` to the staged key (see `KeyColumn.stage`) whose slot hash is `hash`, inserting it
   * if absent. Returns what a purge subtracted (the amount the sketch's offset grows by), else 0.
   */
  adjustOrInsert(hash: number, weight: number): number {
    const weights = this.weights
    const hashes = this.hashes
    const mask = this.mask
    let slot = hash & mask
    while (weights[slot] !== 0) {
      if (hashes[slot] === hash && this.keys.matchesStaged(slot)) {
        weights[slot] += weight
        return 0
      }
      slot = (slot + 1) & mask
    }
    weights[slot] = weight
    hashes[slot] = hash
    this.keys.storeStaged(slot)
    if (++this.numActive > this.capacity) return this.#resizeOrPurge()
    return 0
  }

  /** Slot of the staged key whose slot hash is `hash`, or −1 when it is not in the map. */
  find(hash: number): number {
    const weights = this.weights
    const mask = this.mask
    let slot = hash & mask
    while (weights[slot] !== 0) {
      if (this.hashes[slot] === hash && this.keys.matchesStaged(slot)) return slot
      slot = (slot + 1) & mask
    }
    return -1
  }

  /** Active slots in table order (the order DataSketches Java serializes in). */
  activeSlots(): Int32Array {
    const out = new Int32Array(this.numActive)
    const weights = this.weights
    let j = 0
    for (let i = 0; i < weights.length && j < out.length; i++) if (weights[i] !== 0) out[j++] = i
    return out
  }

  /**
   * Active slots visited with DataSketches Java's golden-ratio stride starting at slot 0: the order
   * its merge and query loops use, so merges make the same purge decisions as Java's.
   */
  activeSlotsByStride(): Int32Array {
    const out = new Int32Array(this.numActive)
    const weights = this.weights
    const mask = this.mask
    const stride = strideOf(mask)
    let slot = 0
    // An odd stride over a power-of-two table visits every slot once per lap.
    for (let j = 0; j < out.length; slot = (slot + stride) & mask) if (weights[slot] !== 0) out[j++] = slot
    return out
  }

  #resizeOrPurge(): number {
    if (this.lgCur < this.lgMax) {
      this.#resize(this.lgCur + 1)
      return 0
    }
    const median = this.#purge()
    if (this.numActive > this.capacity) {
      // Cannot happen: at least half of the sampled weights are ≤ the median and get deleted.
      throw new Error(`FrequentItems: purge left ${this.numActive} items above capacity ${this.capacity}`)
    }
    return median
  }

  /** Re-inserts every item into a table of 2^lg slots, in old table order (as upstream does). */
  #resize(lg: number): void {
    const oldWeights = this.weights
    const oldHashes = this.hashes
    const oldKeys = this.keys
    const size = 1 << lg
    this.lgCur = lg
    this.mask = size - 1
    this.capacity = mapCapacity(lg)
    const table = slotTable(size)
    this.weights = table.weights
    this.hashes = table.hashes
    this.keys = oldKeys.withSize(size)
    const weights = this.weights
    const mask = this.mask
    for (let i = 0; i < oldWeights.length; i++) {
      if (oldWeights[i] === 0) continue
      const hash = oldHashes[i]
      let slot = hash & mask
      while (weights[slot] !== 0) slot = (slot + 1) & mask
      weights[slot] = oldWeights[i]
      this.hashes[slot] = hash
      this.keys.copyFrom(oldKeys, i, slot)
    }
  }

  /**
   * Subtracts the median of the first min(1024, numActive) active weights in table order (the
   * element of rank ⌊n/2⌋, 0-based, as both C++'s `nth_element` and Java's `QuickSelect` pick)
   * and deletes what falls to ≤ 0. Returns the median.
   */
  #purge(): number {
    const limit = Math.min(MAX_SAMPLE_SIZE, this.numActive)
    if (this.#samples === undefined || this.#samples.length < limit) this.#samples = new Float64Array(limit)
    const samples = this.#samples
    const weights = this.weights
    let n = 0
    for (let i = 0; n < limit; i++) if (weights[i] !== 0) samples[n++] = weights[i]
    const median = selectKth(samples, n, n >>> 1)
    this.#subtractAndKeepPositive(median)
    return median
  }

  /**
   * Walks the table from the back, starting just below the highest free slot, so each cluster is
   * processed from its high end; deletions there pull later items of the cluster forwards without
   * revisiting them. The wrapped cluster at the top is done last.
   */
  #subtractAndKeepPositive(amount: number): void {
    const weights = this.weights
    let firstProbe = weights.length - 1
    while (weights[firstProbe] !== 0) firstProbe--
    for (let slot = firstProbe; slot-- > 0; ) this.#subtractAt(slot, amount)
    for (let slot = weights.length; slot-- > firstProbe; ) this.#subtractAt(slot, amount)
  }

  #subtractAt(slot: number, amount: number): void {
    const w = this.weights[slot]
    if (w === 0) return
    if (w <= amount) {
      this.#delete(slot)
      this.numActive--
    } else {
      this.weights[slot] = w - amount
    }
  }

  /**
   * Frees `slot` and closes the gap: scans the cluster after it and moves back the first item whose
   * drift is larger than its distance to the gap, repeating from the slot that item left.
   */
  #delete(slot: number): void {
    const weights = this.weights
    const hashes = this.hashes
    const mask = this.mask
    weights[slot] = 0
    this.keys.clear(slot)
    let gap = slot
    let drift = 1
    let probe = (gap + 1) & mask
    while (weights[probe] !== 0) {
      const probeDrift = ((probe - (hashes[probe] & mask)) & mask) + 1
      if (probeDrift > drift) {
        weights[gap] = weights[probe]
        hashes[gap] = hashes[probe]
        this.keys.move(probe, gap)
        weights[probe] = 0
        gap = probe
        drift = 0
      }
      probe = (probe + 1) & mask
      drift++
    }
  }
}

/**
 * The element that would sit at index `k` if `values[0..n)` were sorted (Hoare-style quickselect
 * with a median-of-three pivot). Any exact selection gives the same value; this one reorders
 * `values` in place and allocates nothing.
 */
export const selectKth = (values: Float64Array, n: number, k: number): number => {
  let lo = 0
  let hi = n - 1
  while (hi > lo) {
    const mid = (lo + hi) >>> 1
    // Median of three to `mid`, so sorted runs (common: many weights equal) stay fast.
    if (values[mid] < values[lo]) swap(values, mid, lo)
    if (values[hi] < values[lo]) swap(values, hi, lo)
    if (values[hi] < values[mid]) swap(values, hi, mid)
    const pivot = values[mid]
    let i = lo
    let j = hi
    while (i <= j) {
      while (values[i] < pivot) i++
      while (values[j] > pivot) j--
      if (i <= j) {
        swap(values, i, j)
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return values[k]
  }
  return values[k]
}

const swap = (values: Float64Array, a: number, b: number): void => {
  const t = values[a]
  values[a] = values[b]
  values[b] = t
}
