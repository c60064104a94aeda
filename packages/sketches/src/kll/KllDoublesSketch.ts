import { KLL_M, KLL_MAX_K, KLL_MIN_K, levelCapacity } from "../internal/kll/KllCapacity.js"
import { decodeKll, encodeKll, type KllState, readK } from "../internal/kll/KllCodec.js"
import { halveDown, halveUp, mergeSortedWithin, sortRange } from "../internal/kll/KllCompaction.js"
import { mergeHigherLevels } from "../internal/kll/KllMerge.js"
import { quantileV5, quantileWhylogs } from "../internal/kll/KllQuantiles.js"
import { KllSortedView } from "../internal/kll/KllSortedView.js"
import { SketchError } from "../SketchError.js"
import { KllCoin } from "./KllCoin.js"
import type { KllDoublesSketchOptions, KllToBytesOptions } from "./KllDoublesSketchOptions.js"
import type { KllQuantileRule, KllQueryOptions } from "./KllQuantileRule.js"

/**
 * KLL quantiles sketch of doubles, byte-compatible with Apache DataSketches (`kll_sketch<double>`) and
 * with the whylogs fork of it. Keeps O(k) items however many it sees; rank error is about
 * {@link normalizedRankError} with 99% confidence. NaN updates are ignored; ±Infinity are items.
 *
 * Mirrors the reference's buffer layout and order of operations (level zero grows downwards from the
 * top of level one, the survivors of each halving, the merge of different-k sketches), so with the
 * same coin it writes the same bytes.
 */
export class KllDoublesSketch {
  private readonly _k: number
  private _minK: number
  private _n = 0
  private numLevels = 1
  /**
   * Level boundaries into `items`: level i is `items[levels[i], levels[i+1])`; `levels[numLevels]` =
   * `items.length`. Room for every level count (≤ 61) and merge's two scratch entries, except while folded.
   */
  private levels: Uint32Array
  private items: Float64Array
  /**
   * A decoded or copied sketch is folded until it is first written to (see `unfold`): `items` holds only
   * its retained items, with `bottom` more slots of the full buffer below them not allocated yet, and
   * `levels` only numLevels + 1 entries. Reading a stored sketch, or merging it into another, never pays
   * for the room that only updates use.
   */
  private folded = false
  private bottom = 0
  /** Nominal capacity of each level for the current `numLevels` (cached: compaction reads it often; empty while folded). */
  private capacities: Uint32Array
  private minItem = Number.NaN
  private maxItem = Number.NaN
  private levelZeroSorted = false
  private readonly coin: KllCoin
  private readonly rule: KllQuantileRule
  private view: KllSortedView | undefined = undefined

  /** `k` (8..65535) trades size for accuracy; whylogs uses 1024, DataSketches defaults to 200. */
  constructor(k = 200, options: KllDoublesSketchOptions = {}) {
    if (!Number.isInteger(k) || k < KLL_MIN_K || k > KLL_MAX_K) {
      throw new SketchError(
        "KLL",
        "BadParameter",
        `k must be an integer in ${KLL_MIN_K}..${KLL_MAX_K}, got ${k}`,
      )
    }
    this._k = k
    this._minK = k
    this.coin = options.coin ?? KllCoin.random()
    this.rule = options.rule ?? "whylogs"
    const state = restoring
    restoring = undefined
    if (state === undefined) {
      // levels and capacities share one buffer
      const words = new Uint32Array(128)
      this.levels = words.subarray(0, 64)
      this.capacities = words.subarray(64)
      this.levels[0] = k
      this.levels[1] = k
      this.items = new Float64Array(k)
      this.refreshCapacities()
    } else {
      // a decoded or copied state brings its own buffers, folded (they are the sketch's from now on)
      this.folded = true
      this.levels = state.levels
      this.capacities = NO_CAPACITIES
      this.items = state.items
      this.bottom = state.bottom
      this._minK = state.minK
      this._n = state.n
      this.numLevels = state.numLevels
      this.minItem = state.min
      this.maxItem = state.max
      this.levelZeroSorted = state.levelZeroSorted
    }
  }

  /** Decodes bytes in the standard (preInts 5) or whylogs (preInts 6) layout. */
  static fromBytes(bytes: Uint8Array, options: KllDoublesSketchOptions = {}): KllDoublesSketch {
    const state = decodeKll(bytes)
    if (state === undefined) return new KllDoublesSketch(readK(bytes), options)
    return restored(state, options)
  }

  /** The normalized rank error of a sketch with parameter `k` (`pmf`: the two-sided error of PMF queries). */
  static normalizedRankError(k: number, pmf = false): number {
    return pmf ? 2.446 / k ** 0.9433 : 2.296 / k ** 0.9723
  }

  /** The accuracy parameter. */
  get k(): number {
    return this._k
  }

  /** The smallest k among the sketches merged into this one (in estimation mode); sets the error bound. */
  get minK(): number {
    return this._minK
  }

  /** Number of items seen (NaNs excluded). */
  get n(): number {
    return this._n
  }

  /** Smallest item seen, NaN when empty. */
  get min(): number {
    return this.minItem
  }

  /** Largest item seen, NaN when empty. */
  get max(): number {
    return this.maxItem
  }

  /** True when no item has been seen. */
  get isEmpty(): boolean {
    return this._n === 0
  }

  /** Number of items the sketch keeps. */
  get numRetained(): number {
    return this.levels[this.numLevels] - this.levels[0]
  }

  /** True once the sketch has compacted, i.e. its answers are approximate. */
  get isEstimationMode(): boolean {
    return this.numLevels > 1
  }

  /** The normalized rank error of this sketch (from its {@link minK}). */
  normalizedRankError(pmf = false): number {
    return KllDoublesSketch.normalizedRankError(this._minK, pmf)
  }

  /** Adds one item; NaN is ignored. Allocation-free except when the sketch grows a level. */
  update(x: number): void {
    if (Number.isNaN(x)) return
    if (this._n === 0) {
      this.minItem = x
      this.maxItem = x
    } else {
      if (x < this.minItem) this.minItem = x
      if (this.maxItem < x) this.maxItem = x
    }
    if (this.levels[0] === 0) this.makeRoom()
    this._n++
    this.levelZeroSorted = false
    this.items[--this.levels[0]] = x
    this.view = undefined
  }

  /** Folds `other` into this sketch (which keeps its own k; the error bound follows the smaller k). */
  merge(other: KllDoublesSketch): void {
    if (other._n === 0) return
    if (other === this) {
      this.merge(other.copy())
      return
    }
    if (this.folded) this.unfold()
    if (this._n === 0) {
      this.minItem = other.minItem
      this.maxItem = other.maxItem
    } else {
      if (other.minItem < this.minItem) this.minItem = other.minItem
      if (this.maxItem < other.maxItem) this.maxItem = other.maxItem
    }
    const finalN = this._n + other._n
    // Level zero of the other sketch goes through the update path, item by item in buffer order.
    for (let i = other.levels[0]; i < other.levels[1]; i++) {
      if (this.levels[0] === 0) this.makeRoom()
      this._n++
      this.levelZeroSorted = false
      this.items[--this.levels[0]] = other.items[i]
    }
    if (other.numLevels >= 2) {
      const target = { items: this.items, levels: this.levels, numLevels: this.numLevels }
      const source = { items: other.items, levels: other.levels, numLevels: other.numLevels }
      const merged = mergeHigherLevels(target, source, this._k, finalN, this.levelZeroSorted, this.coin)
      this.items = merged.items
      this.numLevels = merged.numLevels
      this.refreshCapacities()
    }
    this._n = finalN
    if (other.numLevels > 1) this._minK = Math.min(this._minK, other._minK)
    this.view = undefined
  }

  /** An independent copy (same coin, same rule). */
  copy(): KllDoublesSketch {
    return restored(this.state(), { coin: this.coin, rule: this.rule })
  }

  /**
   * The item at normalized `rank` in [0, 1] under the sketch's rule (see {@link KllQuantileRule}).
   * NaN when empty.
   */
  getQuantile(rank: number, options: KllQueryOptions = {}): number {
    checkRank(rank)
    if (this._n === 0) return Number.NaN
    const rule = options.rule ?? this.rule
    if (rule === "whylogs") {
      if (rank === 0) return this.minItem
      if (rank === 1) return this.maxItem
      return quantileWhylogs(this.sortedView(), rank, options.inclusive ?? false)
    }
    return quantileV5(this.sortedView(), rank, options.inclusive ?? true)
  }

  /** {@link getQuantile} for many ranks at once (one sorted view). Empty sketch: NaN for each. */
  getQuantiles(ranks: ArrayLike<number>, options: KllQueryOptions = {}): number[] {
    const out = new Array<number>(ranks.length)
    for (let i = 0; i < ranks.length; i++) out[i] = this.getQuantile(ranks[i], options)
    return out
  }

  /**
   * Normalized rank of `x`: the weight of the items below `x` (inclusive: at or below) divided by n.
   * NaN when empty or when `x` is NaN.
   */
  getRank(x: number, options: KllQueryOptions = {}): number {
    if (this._n === 0 || Number.isNaN(x)) return Number.NaN
    const view = this.sortedView()
    return view.weightBelow(x, this.inclusive(options)) / view.totalWeight
  }

  /**
   * Cumulative distribution at the split points (strictly increasing, no NaN): `splits.length + 1`
   * ranks, the last one 1. Empty sketch: `[]`, as whylogs returns.
   */
  getCDF(splits: ArrayLike<number>, options: KllQueryOptions = {}): number[] {
    const weights = this.splitWeights(splits, options)
    if (weights === undefined) return []
    const total = this._n
    return weights.map((w) => w / total)
  }

  /**
   * Probability mass between consecutive split points (strictly increasing, no NaN): `splits.length + 1`
   * buckets summing to 1. Empty sketch: `[]`, as whylogs returns.
   */
  getPMF(splits: ArrayLike<number>, options: KllQueryOptions = {}): number[] {
    const weights = this.splitWeights(splits, options)
    if (weights === undefined) return []
    const total = this._n
    const out = new Array<number>(weights.length)
    if ((options.rule ?? this.rule) === "whylogs") {
      for (let i = 0; i < weights.length; i++) out[i] = (weights[i] - (i === 0 ? 0 : weights[i - 1])) / total
    } else {
      for (let i = 0; i < weights.length; i++)
        out[i] = weights[i] / total - (i === 0 ? 0 : weights[i - 1] / total)
    }
    return out
  }

  /** Serializes the sketch (see {@link KllSerialLayout}; default `"standard"`). */
  toBytes(options: KllToBytesOptions = {}): Uint8Array {
    return encodeKll(this.state(), options.layout ?? "standard")
  }

  private inclusive(options: KllQueryOptions): boolean {
    return options.inclusive ?? (options.rule ?? this.rule) === "v5"
  }

  /** Cumulative weights at each split point, then n; undefined when empty. */
  private splitWeights(splits: ArrayLike<number>, options: KllQueryOptions): number[] | undefined {
    for (let i = 0; i < splits.length; i++) {
      const s = splits[i]
      if (Number.isNaN(s)) throw new SketchError("KLL", "BadParameter", `split point ${i} is NaN`)
      if (i > 0 && !(splits[i - 1] < s)) {
        throw new SketchError(
          "KLL",
          "BadParameter",
          `split points must be strictly increasing (at index ${i})`,
        )
      }
    }
    if (this._n === 0) return undefined
    const view = this.sortedView()
    const inclusive = this.inclusive(options)
    const out = new Array<number>(splits.length + 1)
    for (let i = 0; i < splits.length; i++) out[i] = view.weightBelow(splits[i], inclusive)
    out[splits.length] = view.totalWeight
    return out
  }

  /** The sorted view, built once per state; sorts level zero in place like the reference does. */
  private sortedView(): KllSortedView {
    if (this.view === undefined) {
      if (!this.levelZeroSorted) {
        // Stable and treating -0 and 0 as equal, as the reference's comparator does.
        this.items.subarray(this.levels[0], this.levels[1]).sort((a, b) => (a < b ? -1 : b < a ? 1 : 0))
        this.levelZeroSorted = true
      }
      this.view = KllSortedView.build(this.items, this.levels, this.numLevels)
    }
    return this.view
  }

  /** The state, its items copied: the retained ones only (the free space becomes `bottom`). */
  private state(): KllState {
    const first = this.levels[0]
    const levels = this.levels.slice(0, this.numLevels + 1)
    for (let i = 0; i <= this.numLevels; i++) levels[i] -= first
    return {
      k: this._k,
      minK: this._minK,
      n: this._n,
      numLevels: this.numLevels,
      levels,
      items: this.items.slice(first, this.levels[this.numLevels]),
      bottom: this.bottom + first,
      min: this.minItem,
      max: this.maxItem,
      levelZeroSorted: this.levelZeroSorted,
    }
  }

  private refreshCapacities(): void {
    for (let h = 0; h < this.numLevels; h++)
      this.capacities[h] = levelCapacity(this._k, this.numLevels, h, KLL_M)
  }

  private levelSize(level: number): number {
    return level < this.numLevels ? this.levels[level + 1] - this.levels[level] : 0
  }

  /** Level zero has reached the bottom of `items`: unfold a folded sketch, then compact if still full. */
  private makeRoom(): void {
    if (this.folded) this.unfold()
    if (this.levels[0] === 0) this.compressWhileUpdating()
  }

  /**
   * Gives a folded sketch what writes need: the full buffer (capacity `bottom + items.length`) with the
   * items at its top, as the reference keeps them, and the full level and capacity tables.
   */
  private unfold(): void {
    const bottom = this.bottom
    if (bottom !== 0) {
      const full = new Float64Array(bottom + this.items.length)
      full.set(this.items, bottom)
      this.items = full
    }
    const words = new Uint32Array(128)
    const levels = words.subarray(0, 64)
    for (let i = 0; i <= this.numLevels; i++) levels[i] = this.levels[i] + bottom
    this.levels = levels
    this.capacities = words.subarray(64)
    this.refreshCapacities()
    this.bottom = 0
    this.folded = false
  }

  /** The buffer is full: compact the lowest level at capacity, growing a new top level if that is the top. */
  private compressWhileUpdating(): void {
    let level = 0
    while (this.levelSize(level) < this.capacities[level]) {
      // Unreachable for a consistent state: a full buffer always has a level at capacity.
      if (++level >= this.numLevels) throw new Error("KLL: no level at capacity in a full buffer")
    }
    if (level === this.numLevels - 1) this.addEmptyTopLevel()

    const levels = this.levels
    const items = this.items
    const rawBeg = levels[level]
    const rawLim = levels[level + 1]
    const popAbove = levels[level + 2] - rawLim
    const rawPop = rawLim - rawBeg
    const oddPop = (rawPop & 1) === 1
    const adjBeg = oddPop ? rawBeg + 1 : rawBeg
    const adjPop = oddPop ? rawPop - 1 : rawPop
    const halfAdjPop = adjPop / 2

    if (level === 0 && !this.levelZeroSorted) sortRange(items, adjBeg, adjBeg + adjPop)
    if (popAbove === 0) {
      halveUp(items, adjBeg, adjPop, this.coin.flip())
    } else {
      halveDown(items, adjBeg, adjPop, this.coin.flip())
      mergeSortedWithin(items, adjBeg, halfAdjPop, rawLim, popAbove, adjBeg + halfAdjPop)
    }
    levels[level + 1] = levels[level + 1] - halfAdjPop
    if (oddPop) {
      // The odd item (the first of the level) stays behind, right below the level above.
      levels[level] = levels[level + 1] - 1
      items[levels[level]] = items[rawBeg]
    } else {
      levels[level] = levels[level + 1]
    }
    // Shift the levels below up into the freed space, so level zero can grow downwards again.
    if (level > 0) {
      const bottom = levels[0]
      items.copyWithin(bottom + halfAdjPop, bottom, rawBeg)
      for (let l = 0; l < level; l++) levels[l] = levels[l] + halfAdjPop
    }
  }

  /** Grows the (full) buffer by the capacity of a new bottom level; the data moves up by that much. */
  private addEmptyTopLevel(): void {
    const curTotal = this.levels[this.numLevels]
    const delta = levelCapacity(this._k, this.numLevels + 1, 0, KLL_M)
    const grown = new Float64Array(curTotal + delta)
    grown.set(this.items, delta)
    this.items = grown
    for (let i = 0; i <= this.numLevels; i++) this.levels[i] = this.levels[i] + delta
    this.numLevels++
    this.refreshCapacities()
    this.levels[this.numLevels] = curTotal + delta
  }
}

/**
 * The state the next constructor call takes over instead of allocating its own buffers (decoded bytes,
 * or a copy's state): set by `restored` just before it calls the constructor, which clears it. Module
 * scope, so that only this module can pass a state, without an options object per decode.
 */
let restoring: KllState | undefined

const restored = (state: KllState, options: KllDoublesSketchOptions): KllDoublesSketch => {
  restoring = state
  try {
    return new KllDoublesSketch(state.k, options)
  } finally {
    restoring = undefined
  }
}

/** The capacities of a folded sketch: none (only compaction reads them, after `unfold`). */
const NO_CAPACITIES = new Uint32Array(0)

const checkRank = (rank: number): void => {
  if (!(rank >= 0 && rank <= 1)) {
    throw new SketchError("KLL", "BadParameter", `rank must be in [0, 1], got ${rank}`)
  }
}
