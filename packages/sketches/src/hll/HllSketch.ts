import { CouponList } from "../internal/hll/CouponList.js"
import {
  couponOfBytes,
  couponOfDouble,
  couponOfInt64BigInt,
  couponOfInt64Number,
  couponOfString,
} from "../internal/hll/couponHashing.js"
import type { Hll4Array } from "../internal/hll/Hll4Array.js"
import type { HllArray } from "../internal/hll/HllArray.js"
import { decodeHll } from "../internal/hll/HllDecoder.js"
import type { HllImpl } from "../internal/hll/HllImpl.js"
import { copyAs, couponUpdate } from "../internal/hll/HllImplFactory.js"
import { MAX_LG_K, MIN_LG_K, MODE_HLL, TGT_HLL4 } from "../internal/hll/HllPreamble.js"
import { SketchError } from "../SketchError.js"
import { HLL_MODES, HLL_TARGET_TYPES, type HllMode, type HllTargetType } from "./HllType.js"

/**
 * HyperLogLog distinct-count sketch, byte-compatible with Apache DataSketches `hll_sketch` (and the
 * `cardinality/hll` metric of whylogs, which uses lgK 12, HLL_4, compact images).
 *
 * Starts as a coupon LIST, becomes a coupon SET (lgK ≥ 8), then an array of 2^lgK registers of 4, 6 or 8
 * bits. While fed in order the estimate is the HIP estimator's; after a union it is the composite one.
 * Updates are allocation-free.
 */
export class HllSketch {
  /** @internal the current representation (replaced on promotion). */
  impl: HllImpl

  /**
   * An empty sketch with 2^`lgK` registers (4..21; relative error ≈ 0.83/√(2^lgK) in order, 1.04/√(2^lgK)
   * after unions) that will store them as `type`.
   */
  constructor(lgK = 12, type: HllTargetType = "HLL_4") {
    if (!Number.isInteger(lgK) || lgK < MIN_LG_K || lgK > MAX_LG_K) {
      throw new SketchError(
        "HLL",
        "BadParameter",
        `lgK must be an integer from ${MIN_LG_K} to ${MAX_LG_K}, got ${lgK}`,
      )
    }
    const tgt = HLL_TARGET_TYPES.indexOf(type)
    if (tgt < 0)
      throw new SketchError("HLL", "BadParameter", `type must be HLL_4, HLL_6 or HLL_8, got ${String(type)}`)
    this.impl = new CouponList(lgK, tgt)
  }

  /** @internal wraps a representation without copying it. */
  static fromImpl(impl: HllImpl): HllSketch {
    const sketch = Object.create(HllSketch.prototype) as HllSketch
    sketch.impl = impl
    return sketch
  }

  /** Reads a compact or updatable DataSketches HLL image (any mode, any target type). */
  static fromBytes(bytes: Uint8Array): HllSketch {
    return HllSketch.fromImpl(decodeHll(bytes))
  }

  /** log2 of the number of registers. */
  get lgK(): number {
    return this.impl.lgConfigK
  }

  /** How registers are stored once in HLL mode. */
  get targetType(): HllTargetType {
    return HLL_TARGET_TYPES[this.impl.tgtHllType]!
  }

  /** The current representation. */
  get mode(): HllMode {
    return HLL_MODES[this.impl.mode]!
  }

  /** True when nothing has been added. */
  get isEmpty(): boolean {
    return this.impl.isEmpty()
  }

  /** True for union results: the HIP estimator no longer applies and the composite estimator is used. */
  get isOutOfOrder(): boolean {
    return this.impl.isOutOfOrder()
  }

  /** The distinct-count estimate. */
  get estimate(): number {
    return this.impl.getEstimate()
  }

  /** The composite (non-HIP) estimate; equals `estimate` in LIST/SET mode and for union results. */
  get compositeEstimate(): number {
    return this.impl.getCompositeEstimate()
  }

  /** A lower bound on the distinct count at `numStdDev` (1, 2 or 3) standard deviations. */
  lowerBound(numStdDev: 1 | 2 | 3): number {
    return this.impl.getLowerBound(checkNumStdDev(numStdDev))
  }

  /** An upper bound on the distinct count at `numStdDev` (1, 2 or 3) standard deviations. */
  upperBound(numStdDev: 1 | 2 | 3): number {
    return this.impl.getUpperBound(checkNumStdDev(numStdDev))
  }

  /** Adds a string, hashed as its UTF-8 bytes. The empty string is ignored (as in DataSketches). */
  updateString(value: string): void {
    if (value.length !== 0) this.couponUpdate(couponOfString(value))
  }

  /**
   * Adds a 64-bit integer, hashed as int64 little-endian (so 1 and 1.0 via `updateDouble` are different
   * items, as in whylogs). Numbers must be integers in [-2^63, 2^63); bigints are taken modulo 2^64.
   */
  updateInt64(value: number | bigint): void {
    this.couponUpdate(typeof value === "number" ? couponOfInt64Number(value) : couponOfInt64BigInt(value))
  }

  /** Adds a double, hashed as its IEEE-754 bits (-0.0 counts as 0.0, every NaN as one NaN). */
  updateDouble(value: number): void {
    this.couponUpdate(couponOfDouble(value))
  }

  /** Adds raw bytes. An empty array is ignored. */
  updateBytes(value: Uint8Array): void {
    if (value.length !== 0) this.couponUpdate(couponOfBytes(value))
  }

  /** The compact DataSketches image (what whylogs embeds). */
  toCompactBytes(): Uint8Array {
    return this.impl.serialize(true)
  }

  /** The updatable DataSketches image (full hash tables and aux table; larger, same content). */
  toUpdatableBytes(): Uint8Array {
    return this.impl.serialize(false)
  }

  /** An independent copy, optionally converted to another target type. */
  copy(type: HllTargetType = this.targetType): HllSketch {
    const tgt = HLL_TARGET_TYPES.indexOf(type)
    if (tgt < 0)
      throw new SketchError("HLL", "BadParameter", `type must be HLL_4, HLL_6 or HLL_8, got ${String(type)}`)
    return HllSketch.fromImpl(copyAs(this.impl, tgt))
  }

  private couponUpdate(coupon: number): void {
    const impl = this.impl
    if (impl.mode === MODE_HLL) {
      // one monomorphic call site per register width keeps the hot path cheap
      if (impl.tgtHllType === TGT_HLL4) (impl as Hll4Array).couponUpdate(coupon)
      else (impl as HllArray).couponUpdate(coupon)
      return
    }
    this.impl = couponUpdate(impl as CouponList, coupon)
  }
}

const checkNumStdDev = (numStdDev: number): number => {
  if (numStdDev !== 1 && numStdDev !== 2 && numStdDev !== 3) {
    throw new SketchError("HLL", "BadParameter", `numStdDev must be 1, 2 or 3, got ${numStdDev}`)
  }
  return numStdDev
}
