import {
  checkLgMaxMapSize,
  emptySketchBytes,
  type FrequentItemsPreamble,
  fullSketchBytes,
  LG_MIN_MAP_SIZE,
} from "../internal/frequent/FrequentItemsPreamble.js"
import type { KeyColumn } from "../internal/frequent/KeyColumn.js"
import { mapCapacity, ReversePurgeHashMap, strideOf } from "../internal/frequent/ReversePurgeHashMap.js"
import { SketchError } from "../SketchError.js"
import type { FrequentItemsErrorType, FrequentItemsRow } from "./FrequentItemsRow.js"
import type { FrequentItemsBytesOptions, FrequentItemsSerialLayout } from "./FrequentItemsSerialLayout.js"

/** DataSketches' a-priori error factor: error ≤ 3.5 / 2^lgMax · total weight. */
const EPSILON_FACTOR = 3.5

/** How a concrete sketch writes its items after the weights. */
export interface EncodedItems {
  readonly byteLength: number
  write(bytes: Uint8Array, view: DataView, start: number): void
}

const badParameter = (message: string): never => {
  throw new SketchError("FrequentItems", "BadParameter", message)
}

/**
 * The frequent-items sketch of Apache DataSketches (Misra–Gries with a reverse-purge hash map),
 * shared by `FrequentStringsSketch` and `FrequentLongsSketch`. It keeps at most 0.75 · 2^lgMax
 * counters; each estimate is within `maximumError` of the true weight, and `maximumError` is at most
 * `epsilon · totalWeight` with `epsilon = 3.5 / 2^lgMax`.
 *
 * `T` is the item type the sketch gives back, `In` what `update` accepts.
 */
export abstract class FrequentItemsSketch<T, In> {
  /** The counters; `map.keys` stores the items. */
  protected readonly map: ReversePurgeHashMap<KeyColumn<T, In>>
  /** Sum of every weight ever added. */
  protected total = 0
  /** Sum of the purge medians (plus merged sketches' offsets): the maximum error of any estimate. */
  protected offset = 0

  protected constructor(lgMaxMapSize: number, lgStartMapSize: number, keys: KeyColumn<T, In>) {
    checkLgMaxMapSize(lgMaxMapSize, "lgMaxMapSize", "BadParameter")
    if (
      !Number.isInteger(lgStartMapSize) ||
      lgStartMapSize < LG_MIN_MAP_SIZE ||
      lgStartMapSize > lgMaxMapSize
    ) {
      badParameter(
        `lgStartMapSize must be an integer in ${LG_MIN_MAP_SIZE}..${lgMaxMapSize}, got ${lgStartMapSize}`,
      )
    }
    this.map = new ReversePurgeHashMap(lgStartMapSize, lgMaxMapSize, keys)
  }

  /** The a-priori relative error of a sketch with this lgMaxMapSize: 3.5 / 2^lgMaxMapSize. */
  static getEpsilon(lgMaxMapSize: number): number {
    return EPSILON_FACTOR / 2 ** lgMaxMapSize
  }

  /** The a-priori maximum error for a stream of the given total weight. */
  static getAprioriError(lgMaxMapSize: number, estimatedTotalWeight: number): number {
    return FrequentItemsSketch.getEpsilon(lgMaxMapSize) * estimatedTotalWeight
  }

  /** The layout `toBytes()` uses when none is given. */
  protected abstract readonly defaultLayout: FrequentItemsSerialLayout

  /** Encodes the items of the given slots, in that order. */
  protected abstract encodeItems(slots: Int32Array): EncodedItems

  /**
   * Adds `weight` (a non-negative safe integer; 0 is ignored) to `item`. When the map is full at its
   * maximum size this purges, which raises `maximumError`.
   */
  update(item: In, weight = 1): void {
    if (weight !== 1) {
      if (!Number.isSafeInteger(weight) || weight < 0) {
        badParameter(`weight must be a non-negative safe integer, got ${weight}`)
      }
      if (weight === 0) return
    }
    const hash = this.map.keys.stage(item)
    const total = this.total + weight
    if (total > Number.MAX_SAFE_INTEGER) badParameter(`total weight would pass 2^53 - 1`)
    this.total = total
    this.offset += this.map.adjustOrInsert(hash, weight)
  }

  /**
   * Adds another sketch of the same kind into this one, as DataSketches does: its items are
   * updated in (golden-ratio stride) order, which may purge, then its offset and total weight are
   * added. `other` is unchanged; sketches of different lgMaxMapSize merge fine.
   */
  merge(other: this): this {
    if (other.constructor !== this.constructor) {
      throw new SketchError(
        "FrequentItems",
        "Incompatible",
        `cannot merge a ${other.constructor.name} into a ${this.constructor.name}`,
      )
    }
    if (other.total === 0) return this
    const mergedTotal = this.total + other.total
    if (mergedTotal > Number.MAX_SAFE_INTEGER) badParameter(`merged total weight would pass 2^53 - 1`)
    const otherOffset = other.offset
    const source = other.map
    // The source's active slots in stride order (see `activeSlotsByStride`), walked in place. Merging a
    // sketch into itself only adds to existing items: nothing moves or empties while we walk.
    const weights = source.weights
    const mask = source.mask
    const stride = strideOf(mask)
    for (let j = 0, slot = 0, active = source.numActive; j < active; slot = (slot + stride) & mask) {
      if (weights[slot] === 0) continue
      j++
      this.map.keys.stageFrom(source.keys, slot)
      this.offset += this.map.adjustOrInsert(source.hashes[slot], weights[slot])
    }
    this.offset += otherOffset
    this.total = mergedTotal
    return this
  }

  /** True until some positive weight has been added. */
  get isEmpty(): boolean {
    return this.total === 0
  }

  /** Sum of all weights added (the stream length for unit weights). */
  get totalWeight(): number {
    return this.total
  }

  /** The most any estimate can be off by (DataSketches' offset): upper bound − lower bound. */
  get maximumError(): number {
    return this.offset
  }

  /** Number of items currently counted. */
  get numActiveItems(): number {
    return this.map.numActive
  }

  /** log2 of the current table size (grows from 3 to lgMaxMapSize). */
  get lgCurMapSize(): number {
    return this.map.lgCur
  }

  /** log2 of the largest table size; the sketch keeps up to 0.75 · 2^lgMaxMapSize counters. */
  get lgMaxMapSize(): number {
    return this.map.lgMax
  }

  /** Items the current table holds before it grows or purges. */
  get currentMapCapacity(): number {
    return this.map.capacity
  }

  /** Items the largest table holds before it purges. */
  get maximumMapCapacity(): number {
    return mapCapacity(this.map.lgMax)
  }

  /** This sketch's a-priori relative error, 3.5 / 2^lgMaxMapSize. */
  get epsilon(): number {
    return FrequentItemsSketch.getEpsilon(this.map.lgMax)
  }

  /** Estimated weight of `item`: its counter plus `maximumError`, or 0 when it is not counted. */
  getEstimate(item: In): number {
    const slot = this.#find(item)
    return slot < 0 ? 0 : this.map.weights[slot] + this.offset
  }

  /** A weight `item` certainly reached: its counter, or 0 when it is not counted. */
  getLowerBound(item: In): number {
    const slot = this.#find(item)
    return slot < 0 ? 0 : this.map.weights[slot]
  }

  /** A weight `item` certainly did not exceed: its counter (or 0) plus `maximumError`. */
  getUpperBound(item: In): number {
    return this.getLowerBound(item) + this.offset
  }

  /**
   * The items whose lower bound (`"NO_FALSE_POSITIVES"`) or upper bound (`"NO_FALSE_NEGATIVES"`)
   * exceeds `threshold` (default: `maximumError`), sorted by estimate, largest first. As in
   * DataSketches C++ (which whylogs uses), a given threshold is used as is.
   */
  getFrequentItems(
    errorType: FrequentItemsErrorType = "NO_FALSE_POSITIVES",
    threshold: number = this.offset,
  ): Array<FrequentItemsRow<T>> {
    if (errorType !== "NO_FALSE_POSITIVES" && errorType !== "NO_FALSE_NEGATIVES") {
      badParameter(`errorType must be "NO_FALSE_POSITIVES" or "NO_FALSE_NEGATIVES", got ${String(errorType)}`)
    }
    if (typeof threshold !== "number" || Number.isNaN(threshold)) {
      badParameter(`threshold must be a number, got ${String(threshold)}`)
    }
    const noFalseNegatives = errorType === "NO_FALSE_NEGATIVES"
    const { weights, keys } = this.map
    const offset = this.offset
    const rows: Array<FrequentItemsRow<T>> = []
    const slots = this.map.activeSlotsByStride()
    for (let i = 0; i < slots.length; i++) {
      const lowerBound = weights[slots[i]]
      const upperBound = lowerBound + offset
      if ((noFalseNegatives ? upperBound : lowerBound) > threshold) {
        rows.push({ item: keys.get(slots[i]), estimate: upperBound, lowerBound, upperBound })
      }
    }
    return rows.sort((a, b) => b.estimate - a.estimate)
  }

  /**
   * Serializes in the Apache DataSketches layout; items appear in table order, as DataSketches
   * Java writes them. See `FrequentItemsSerialLayout` for the layouts.
   */
  toBytes(options: FrequentItemsBytesOptions = {}): Uint8Array {
    const layout = options.layout ?? this.defaultLayout
    if (layout !== "whylogs" && layout !== "standard") {
      badParameter(`layout must be "whylogs" or "standard", got ${String(layout)}`)
    }
    const { lgMax, lgCur } = this.map
    if (this.total === 0) return emptySketchBytes(lgMax, lgCur, layout)
    // Written in full even if a purge left no active item, so total weight and offset survive.
    const slots = this.map.activeSlots()
    const weights = new Float64Array(slots.length)
    for (let i = 0; i < slots.length; i++) weights[i] = this.map.weights[slots[i]]
    const items = this.encodeItems(slots)
    const out = fullSketchBytes(lgMax, lgCur, this.total, this.offset, weights, items.byteLength)
    items.write(out.bytes, out.view, out.itemsStart)
    return out.bytes
  }

  /** Fills a fresh sketch from decoded bytes: the items in order, then the saved totals. */
  protected restore(pre: FrequentItemsPreamble, items: ArrayLike<In>, weights: Float64Array): void {
    const map = this.map
    for (let i = 0; i < items.length; i++) {
      // Cannot purge or grow: the preamble check kept numActive within the current capacity.
      map.adjustOrInsert(map.keys.stage(items[i]), weights[i])
    }
    if (map.numActive !== items.length) {
      throw new SketchError(
        "FrequentItems",
        "Corrupt",
        `${items.length - map.numActive} of ${items.length} items are duplicates`,
      )
    }
    this.total = pre.totalWeight
    this.offset = pre.offset
  }

  #find(item: In): number {
    return this.map.find(this.map.keys.stage(item))
  }
}
