import type { CouponList } from "./CouponList.js"
import type { Hll4Array } from "./Hll4Array.js"
import { HllArray } from "./HllArray.js"
import { AUX_TOKEN, EMPTY, KEY_BITS_26, TGT_HLL4, TGT_HLL6, TGT_HLL8 } from "./HllPreamble.js"

/** HLL_8: one byte per register; the union gadget's form. numAtCurMin counts zeros. */
export class Hll8Array extends HllArray {
  constructor(lgConfigK: number, hllByteArr?: Uint8Array) {
    super(lgConfigK, TGT_HLL8, hllByteArr)
  }

  override copy(): Hll8Array {
    const copy = new Hll8Array(this.lgConfigK, this.hllByteArr.slice())
    copy.copyStateFrom(this)
    return copy
  }

  override getSlotValue(slotNo: number): number {
    return this.hllByteArr[slotNo]!
  }

  override couponUpdate(coupon: number): void {
    const slotNo = coupon & ((1 << this.lgConfigK) - 1)
    const newValue = coupon >>> KEY_BITS_26
    const curValue = this.hllByteArr[slotNo]!
    if (newValue > curValue) {
      this.hllByteArr[slotNo] = newValue
      this.hipAndKxQIncrementalUpdate(curValue, newValue)
      if (curValue === 0) this.numAtCurMin--
    }
  }

  /** Feeds every coupon of a LIST or SET into the registers (with HIP and kxq updates). */
  mergeList(src: CouponList): void {
    const coupons = src.coupons
    for (let i = 0; i < coupons.length; i++) {
      const coupon = coupons[i]!
      if (coupon !== EMPTY) this.couponUpdate(coupon)
    }
  }

  /**
   * Register-wise max with an HLL-mode sketch of lgK ≥ ours (folding slots when larger). Leaves kxq,
   * curMin and numAtCurMin stale and flags them for a rebuild, as DataSketches' fast union path does.
   */
  mergeHll(src: HllArray): void {
    const dst = this.hllByteArr
    const dstMask = (1 << this.lgConfigK) - 1
    const srcK = 1 << src.lgConfigK
    const srcArr = src.hllByteArr
    if (src.tgtHllType === TGT_HLL8) {
      for (let i = 0; i < srcK; i++) {
        const j = i & dstMask
        const v = srcArr[i]!
        if (v > dst[j]!) dst[j] = v
      }
    } else if (src.tgtHllType === TGT_HLL6) {
      let i = 0
      let p = 0
      while (i < srcK) {
        const b0 = srcArr[p]!
        const b1 = srcArr[p + 1]!
        const b2 = srcArr[p + 2]!
        p += 3
        i = maxInto(dst, i & dstMask, b0 & 0x3f, i)
        i = maxInto(dst, i & dstMask, (b0 >>> 6) | ((b1 & 0x0f) << 2), i)
        i = maxInto(dst, i & dstMask, (b1 >>> 4) | ((b2 & 0x03) << 4), i)
        i = maxInto(dst, i & dstMask, b2 >>> 2, i)
      }
    } else if (src.tgtHllType === TGT_HLL4) {
      const src4 = src as Hll4Array
      const curMin = src4.curMin
      for (let i = 0; i < srcK; i += 2) {
        const byte = srcArr[i >>> 1]!
        const lo = byte & 0x0f
        const hi = byte >>> 4
        const v0 = lo === AUX_TOKEN ? src4.getSlotValue(i) : lo + curMin
        const v1 = hi === AUX_TOKEN ? src4.getSlotValue(i + 1) : hi + curMin
        const j0 = i & dstMask
        const j1 = (i + 1) & dstMask
        if (v0 > dst[j0]!) dst[j0] = v0
        if (v1 > dst[j1]!) dst[j1] = v1
      }
    }
    this.rebuildKxqCurMin = true
  }
}

/** dst[j] = max(dst[j], v); returns the next source slot number. */
const maxInto = (dst: Uint8Array, j: number, v: number, i: number): number => {
  if (v > dst[j]!) dst[j] = v
  return i + 1
}
