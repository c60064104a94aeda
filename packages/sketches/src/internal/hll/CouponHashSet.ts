import { SketchError } from "../../SketchError.js"
import { CouponList } from "./CouponList.js"
import { EMPTY, KEY_MASK_26, MODE_SET, RESIZE_DENOM, RESIZE_NUMER } from "./HllPreamble.js"

/**
 * SET mode: distinct coupons in an open-addressing table (32 slots at first, doubled above 3/4 full)
 * probed as DataSketches does — start at `coupon & mask`, stride `((coupon & 0x3FFFFFF) >> lgArr) | 1` —
 * so its slot order, and hence its images, match the reference. At lgArr = lgK − 3 it turns into HLL.
 */
export class CouponHashSet extends CouponList {
  constructor(lgConfigK: number, tgtHllType: number, coupons?: Int32Array) {
    super(lgConfigK, tgtHllType, MODE_SET, coupons)
  }

  /** Adds a coupon; returns true when the set has outgrown its largest size and must become HLL. */
  override couponUpdate(coupon: number): boolean {
    const lgArr = 31 - Math.clz32(this.coupons.length)
    const index = findCoupon(this.coupons, lgArr, coupon)
    if (index >= 0) return false
    this.coupons[~index] = coupon
    this.couponCount++
    if (RESIZE_DENOM * this.couponCount > RESIZE_NUMER * this.coupons.length) {
      if (lgArr === this.lgConfigK - 3) return true
      this.grow(lgArr + 1)
    }
    return false
  }

  override copyAs(tgtHllType: number): CouponHashSet {
    const set = new CouponHashSet(this.lgConfigK, tgtHllType, this.coupons.slice())
    set.couponCount = this.couponCount
    set.oooFlag = this.oooFlag
    return set
  }

  override copy(): CouponHashSet {
    return this.copyAs(this.tgtHllType)
  }

  private grow(lgArr: number): void {
    const old = this.coupons
    const next = new Int32Array(1 << lgArr)
    for (let i = 0; i < old.length; i++) {
      const coupon = old[i]!
      if (coupon === EMPTY) continue
      const index = findCoupon(next, lgArr, coupon)
      if (index >= 0) throw new SketchError("HLL", "Corrupt", "coupon set holds a duplicate coupon")
      next[~index] = coupon
    }
    this.coupons = next
  }
}

/**
 * Index of `coupon` in the table if present, else `~index` of the empty slot where it belongs. The stride
 * is odd and the table a power of two, so the probe visits every slot once before giving up.
 */
export const findCoupon = (table: Int32Array, lgArr: number, coupon: number): number => {
  const mask = (1 << lgArr) - 1
  let probe = coupon & mask
  const start = probe
  do {
    const at = table[probe]!
    if (at === EMPTY) return ~probe
    if (at === coupon) return probe
    probe = (probe + (((coupon & KEY_MASK_26) >>> lgArr) | 1)) & mask
  } while (probe !== start)
  throw new SketchError("HLL", "Corrupt", "coupon set is full")
}
