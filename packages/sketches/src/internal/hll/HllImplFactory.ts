import { AuxHashMap } from "./AuxHashMap.js"
import { CouponHashSet } from "./CouponHashSet.js"
import type { CouponList } from "./CouponList.js"
import { Hll4Array } from "./Hll4Array.js"
import { Hll6Array } from "./Hll6Array.js"
import { Hll8Array } from "./Hll8Array.js"
import { type HllArray, INVERSE_POWERS_OF_2 } from "./HllArray.js"
import type { HllImpl } from "./HllImpl.js"
import {
  AUX_TOKEN,
  EMPTY,
  hllArrBytes,
  KEY_BITS_26,
  LG_AUX_ARR_INTS,
  MODE_HLL,
  MODE_LIST,
  TGT_HLL4,
  TGT_HLL6,
  TGT_HLL8,
} from "./HllPreamble.js"

/** A fresh, empty register array of the target type. */
export const newHllArray = (lgConfigK: number, tgtHllType: number): HllArray =>
  tgtHllType === TGT_HLL4
    ? new Hll4Array(lgConfigK)
    : tgtHllType === TGT_HLL6
      ? new Hll6Array(lgConfigK)
      : new Hll8Array(lgConfigK)

/** LIST → SET: the list's coupons re-inserted, in list order, into a 32-slot table. */
const promoteListToSet = (list: CouponList): CouponHashSet => {
  const set = new CouponHashSet(list.lgConfigK, list.tgtHllType)
  const coupons = list.coupons
  for (let i = 0; i < coupons.length; i++) {
    const coupon = coupons[i]!
    if (coupon !== EMPTY) set.couponUpdate(coupon)
  }
  return set
}

/**
 * LIST or SET → HLL: the coupons replayed (in table order) into fresh registers, then the HIP
 * accumulator seeded with the coupon estimate, so the estimate does not jump at the transition.
 */
const promoteListOrSetToHll = (src: CouponList): HllArray => {
  const hll = newHllArray(src.lgConfigK, src.tgtHllType)
  hll.kxq0 = 1 << src.lgConfigK
  const coupons = src.coupons
  for (let i = 0; i < coupons.length; i++) {
    const coupon = coupons[i]!
    if (coupon !== EMPTY) hll.couponUpdate(coupon)
  }
  hll.hipAccum = src.getEstimate()
  hll.oooFlag = false
  return hll
}

/** Applies one coupon to any representation; returns the (possibly promoted) representation. */
export const couponUpdate = (impl: HllImpl, coupon: number): HllImpl => {
  if (impl.mode === MODE_HLL) {
    ;(impl as HllArray).couponUpdate(coupon)
    return impl
  }
  const list = impl as CouponList
  if (!list.couponUpdate(coupon)) return impl
  if (list.mode === MODE_LIST && list.lgConfigK >= 8) return promoteListToSet(list)
  return promoteListOrSetToHll(list)
}

/** The actual value of every register, unpacked (HLL_4 offsets resolved against curMin and the aux table). */
export const registerValues = (src: HllArray): Uint8Array => {
  const k = 1 << src.lgConfigK
  const arr = src.hllByteArr
  if (src.tgtHllType === TGT_HLL8) return arr.slice(0, k)
  const values = new Uint8Array(k)
  if (src.tgtHllType === TGT_HLL6) {
    for (let i = 0, p = 0; i < k; i += 4, p += 3) {
      const b0 = arr[p]!
      const b1 = arr[p + 1]!
      const b2 = arr[p + 2]!
      values[i] = b0 & 0x3f
      values[i + 1] = (b0 >>> 6) | ((b1 & 0x0f) << 2)
      values[i + 2] = (b1 >>> 4) | ((b2 & 0x03) << 4)
      values[i + 3] = b2 >>> 2
    }
    return values
  }
  const src4 = src as Hll4Array
  const curMin = src4.curMin
  for (let i = 0; i < k; i += 2) {
    const byte = arr[i >>> 1]!
    const lo = byte & 0x0f
    const hi = byte >>> 4
    values[i] = lo === AUX_TOKEN ? src4.getSlotValue(i) : lo + curMin
    values[i + 1] = hi === AUX_TOKEN ? src4.getSlotValue(i + 1) : hi + curMin
  }
  return values
}

/**
 * An HLL_4 array in exactly the state the reference reaches by replaying `values` as coupons in slot
 * order: while any register is still at 0 curMin stays 0, so exceptions (values ≥ 15) enter the aux
 * table in slot order; once the last slot is set, each curMin step rebuilds the table from the previous
 * one in its slot order, keeping the values still ≥ curMin + 15. Same registers, counts and aux layout.
 */
const hll4FromValues = (lgConfigK: number, values: Uint8Array): Hll4Array => {
  const k = 1 << lgConfigK
  const keyMask = k - 1
  let min = 64
  let aux: AuxHashMap | null = null
  for (let i = 0; i < k; i++) {
    const v = values[i]!
    if (v < min) min = v
    if (v >= AUX_TOKEN) {
      aux ??= new AuxHashMap(lgConfigK, LG_AUX_ARR_INTS[lgConfigK]!)
      aux.mustAdd(i, v)
    }
  }
  for (let curMin = 1; curMin <= min && aux !== null; curMin++) {
    let next: AuxHashMap | null = null
    const entries = aux.entries
    for (let e = 0; e < entries.length; e++) {
      const entry = entries[e]!
      if (entry === EMPTY) continue
      const v = entry >>> KEY_BITS_26
      if (v - curMin >= AUX_TOKEN) {
        next ??= new AuxHashMap(lgConfigK, LG_AUX_ARR_INTS[lgConfigK]!)
        next.mustAdd(entry & keyMask, v)
      }
    }
    aux = next
  }
  const bytes = new Uint8Array(k >>> 1)
  let atMin = 0
  for (let i = 0; i < k; i += 2) {
    const lo = Math.min(values[i]! - min, AUX_TOKEN)
    const hi = Math.min(values[i + 1]! - min, AUX_TOKEN)
    bytes[i >>> 1] = lo | (hi << 4)
    atMin += (lo === 0 ? 1 : 0) + (hi === 0 ? 1 : 0)
  }
  const dst = new Hll4Array(lgConfigK, bytes)
  dst.curMin = min
  dst.numAtCurMin = atMin
  dst.auxHashMap = aux
  return dst
}

/**
 * A register array built straight from register values, with the estimator state the reference reaches
 * by replaying them as coupons: kxq (sums of powers of two, exact in any order), curMin and its count.
 */
const hllFromValues = (lgConfigK: number, tgtHllType: number, values: Uint8Array): HllArray => {
  const k = 1 << lgConfigK
  let kxq0 = 0
  let kxq1 = 0
  let zeros = 0
  for (let i = 0; i < k; i++) {
    const v = values[i]!
    if (v < 32) kxq0 += INVERSE_POWERS_OF_2[v]!
    else kxq1 += INVERSE_POWERS_OF_2[v]!
    if (v === 0) zeros++
  }
  let dst: HllArray
  if (tgtHllType === TGT_HLL4) {
    dst = hll4FromValues(lgConfigK, values)
  } else {
    if (tgtHllType === TGT_HLL8) {
      dst = new Hll8Array(lgConfigK, values)
    } else {
      const bytes = new Uint8Array(hllArrBytes(TGT_HLL6, lgConfigK))
      for (let i = 0, p = 0; i < k; i += 4, p += 3) {
        const v0 = values[i]!
        const v1 = values[i + 1]!
        const v2 = values[i + 2]!
        const v3 = values[i + 3]!
        bytes[p] = v0 | ((v1 & 0x03) << 6)
        bytes[p + 1] = (v1 >>> 2) | ((v2 & 0x0f) << 4)
        bytes[p + 2] = (v2 >>> 4) | (v3 << 2)
      }
      dst = new Hll6Array(lgConfigK, bytes)
    }
    dst.numAtCurMin = zeros
  }
  dst.kxq0 = kxq0
  dst.kxq1 = kxq1
  return dst
}

/**
 * `src`'s registers in another target type (or with fresh estimator state): the state the reference gets
 * by replaying each non-zero register as a coupon in slot order; HIP and the out-of-order flag carry over.
 */
const convertHll = (src: HllArray, tgtHllType: number): HllArray => {
  const dst = hllFromValues(src.lgConfigK, tgtHllType, registerValues(src))
  dst.oooFlag = src.oooFlag
  dst.hipAccum = src.hipAccum
  dst.rebuildKxqCurMin = false
  return dst
}

/** A copy of `impl` under another target type (a plain copy when nothing needs rebuilding). */
export const copyAs = (impl: HllImpl, tgtHllType: number): HllImpl => {
  if (impl.mode !== MODE_HLL) return (impl as CouponList).copyAs(tgtHllType)
  const hll = impl as HllArray
  if (tgtHllType === hll.tgtHllType && !hll.rebuildKxqCurMin) return hll.copy()
  return convertHll(hll, tgtHllType)
}

/**
 * An HLL_8 copy of an HLL-mode sketch at `tgtLgK` (≤ its lgK): registers folded (slot i → i mod 2^tgtLgK,
 * keeping the max) with exact kxq, curMin and numAtCurMin; HIP and the out-of-order flag carry over.
 */
export const copyOrDownsampleToHll8 = (src: HllArray, tgtLgK: number): Hll8Array => {
  if (src.lgConfigK <= tgtLgK) return copyAs(src, TGT_HLL8) as Hll8Array
  const values = registerValues(src)
  const folded = new Uint8Array(1 << tgtLgK)
  const mask = folded.length - 1
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v > folded[i & mask]!) folded[i & mask] = v
  }
  const dst = hllFromValues(tgtLgK, TGT_HLL8, folded) as Hll8Array
  dst.hipAccum = src.hipAccum
  dst.oooFlag = src.oooFlag
  return dst
}
