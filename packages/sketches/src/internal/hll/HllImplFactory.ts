import { CouponHashSet } from "./CouponHashSet.js"
import type { CouponList } from "./CouponList.js"
import { Hll4Array } from "./Hll4Array.js"
import { Hll6Array } from "./Hll6Array.js"
import { Hll8Array } from "./Hll8Array.js"
import { type HllArray, pair } from "./HllArray.js"
import type { HllImpl } from "./HllImpl.js"
import { EMPTY, MODE_HLL, MODE_LIST, TGT_HLL4, TGT_HLL6 } from "./HllPreamble.js"

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

/**
 * Rebuilds `src`'s registers in another target type by replaying each non-zero register as a coupon
 * (slot order), which also recomputes kxq and curMin consistently; HIP and the out-of-order flag carry over.
 */
const convertHll = (src: HllArray, tgtHllType: number): HllArray => {
  const dst = newHllArray(src.lgConfigK, tgtHllType)
  dst.oooFlag = src.oooFlag
  const k = 1 << src.lgConfigK
  for (let i = 0; i < k; i++) {
    const v = src.getSlotValue(i)
    if (v !== 0) dst.couponUpdate(pair(i, v))
  }
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
 * An HLL_8 copy of an HLL-mode sketch at `tgtLgK` (≤ its lgK): registers folded by replaying them as
 * coupons, so kxq, curMin and numAtCurMin are exact; HIP and the out-of-order flag carry over.
 */
export const copyOrDownsampleToHll8 = (src: HllArray, tgtLgK: number): Hll8Array => {
  if (src.lgConfigK <= tgtLgK) return copyAs(src, 2) as Hll8Array
  const dst = new Hll8Array(tgtLgK)
  const k = 1 << src.lgConfigK
  for (let i = 0; i < k; i++) {
    const v = src.getSlotValue(i)
    if (v !== 0) dst.couponUpdate(pair(i, v))
  }
  dst.hipAccum = src.hipAccum
  dst.oooFlag = src.oooFlag
  return dst
}
