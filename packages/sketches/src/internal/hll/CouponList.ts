import { SketchError } from "../../SketchError.js"
import { couponEstimate } from "./CubicInterpolation.js"
import { HllImpl } from "./HllImpl.js"
import {
  EMPTY,
  FAMILY_BYTE,
  FAMILY_ID,
  FLAGS_BYTE,
  HASH_SET_COUNT_INT,
  HASH_SET_INT_ARR_START,
  HASH_SET_PREINTS,
  LG_ARR_BYTE,
  LG_INIT_LIST_SIZE,
  LG_INIT_SET_SIZE,
  LG_K_BYTE,
  LIST_COUNT_BYTE,
  LIST_INT_ARR_START,
  LIST_PREINTS,
  MODE_BYTE,
  MODE_LIST,
  PREAMBLE_INTS_BYTE,
  SER_VER,
  SER_VER_BYTE,
} from "./HllPreamble.js"

/** Relative standard error of coupon-mode estimates, at the LIST/SET → HLL transition (not the asymptote). */
const COUPON_RSE = 0.409 / (1 << 13)

/**
 * LIST mode: up to 7 distinct coupons in an 8-slot array, filled from the front. Also the base of SET
 * mode (`CouponHashSet`), which shares the estimator and the serialization.
 */
export class CouponList extends HllImpl {
  couponCount = 0
  oooFlag = false
  coupons: Int32Array

  constructor(lgConfigK: number, tgtHllType: number, mode: number = MODE_LIST, coupons?: Int32Array) {
    super(lgConfigK, tgtHllType, mode)
    this.coupons = coupons ?? new Int32Array(1 << (mode === MODE_LIST ? LG_INIT_LIST_SIZE : LG_INIT_SET_SIZE))
  }

  /** Adds a coupon; returns true when the list just became full and must be promoted. */
  couponUpdate(coupon: number): boolean {
    const coupons = this.coupons
    for (let i = 0; i < coupons.length; i++) {
      const at = coupons[i]!
      if (at === EMPTY) {
        coupons[i] = coupon
        this.couponCount++
        return this.couponCount === coupons.length
      }
      if (at === coupon) return false
    }
    throw new SketchError("HLL", "Corrupt", "coupon list has no empty slot and no duplicate")
  }

  /** The same coupons under another target type (the mode does not change). */
  copyAs(tgtHllType: number): CouponList {
    const list = new CouponList(this.lgConfigK, tgtHllType, this.mode, this.coupons.slice())
    list.couponCount = this.couponCount
    list.oooFlag = this.oooFlag
    return list
  }

  override copy(): CouponList {
    return this.copyAs(this.tgtHllType)
  }

  override getEstimate(): number {
    return Math.max(couponEstimate(this.couponCount), this.couponCount)
  }

  override getCompositeEstimate(): number {
    return this.getEstimate()
  }

  override getLowerBound(numStdDev: number): number {
    const est = couponEstimate(this.couponCount)
    return Math.max(est / (1.0 + numStdDev * COUPON_RSE), this.couponCount)
  }

  override getUpperBound(numStdDev: number): number {
    const est = couponEstimate(this.couponCount)
    return Math.max(est / (1.0 - numStdDev * COUPON_RSE), this.couponCount)
  }

  override isEmpty(): boolean {
    return this.couponCount === 0
  }

  override isOutOfOrder(): boolean {
    return this.oooFlag
  }

  override putOutOfOrder(flag: boolean): void {
    this.oooFlag = flag
  }

  override serialize(compact: boolean): Uint8Array {
    const list = this.mode === MODE_LIST
    const dataStart = list ? LIST_INT_ARR_START : HASH_SET_INT_ARR_START
    const coupons = this.coupons
    const bytes = new Uint8Array(dataStart + 4 * (compact ? this.couponCount : coupons.length))
    const view = new DataView(bytes.buffer)
    bytes[PREAMBLE_INTS_BYTE] = list ? LIST_PREINTS : HASH_SET_PREINTS
    bytes[SER_VER_BYTE] = SER_VER
    bytes[FAMILY_BYTE] = FAMILY_ID
    bytes[LG_K_BYTE] = this.lgConfigK
    bytes[LG_ARR_BYTE] = Math.log2(coupons.length)
    bytes[FLAGS_BYTE] = this.flagsByte(compact)
    bytes[LIST_COUNT_BYTE] = list ? this.couponCount : 0
    bytes[MODE_BYTE] = this.modeByte()
    if (!list) view.setUint32(HASH_SET_COUNT_INT, this.couponCount, true)
    let at = dataStart
    for (let i = 0; i < coupons.length; i++) {
      const coupon = coupons[i]!
      if (compact && coupon === EMPTY) continue
      view.setInt32(at, coupon, true)
      at += 4
    }
    return bytes
  }
}
