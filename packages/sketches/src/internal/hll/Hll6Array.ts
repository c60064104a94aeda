import { HllArray } from "./HllArray.js"
import { KEY_BITS_26, TGT_HLL6, VAL_MASK_6 } from "./HllPreamble.js"

/** HLL_6: 6-bit registers packed little-endian across bytes (slot i at bit 6i). numAtCurMin counts zeros. */
export class Hll6Array extends HllArray {
  constructor(lgConfigK: number, hllByteArr?: Uint8Array) {
    super(lgConfigK, TGT_HLL6, hllByteArr)
  }

  override copy(): Hll6Array {
    const copy = new Hll6Array(this.lgConfigK, this.hllByteArr.slice())
    copy.copyStateFrom(this)
    return copy
  }

  override getSlotValue(slotNo: number): number {
    const startBit = slotNo * 6
    const byteIdx = startBit >>> 3
    const twoBytes = this.hllByteArr[byteIdx]! | (this.hllByteArr[byteIdx + 1]! << 8)
    return (twoBytes >>> (startBit & 7)) & VAL_MASK_6
  }

  private putSlot(slotNo: number, value: number): void {
    const startBit = slotNo * 6
    const shift = startBit & 7
    const byteIdx = startBit >>> 3
    const arr = this.hllByteArr
    const twoBytes = (arr[byteIdx]! | (arr[byteIdx + 1]! << 8)) & ~(VAL_MASK_6 << shift)
    const insert = twoBytes | ((value & VAL_MASK_6) << shift)
    arr[byteIdx] = insert & 0xff
    arr[byteIdx + 1] = (insert >>> 8) & 0xff
  }

  override couponUpdate(coupon: number): void {
    const slotNo = coupon & ((1 << this.lgConfigK) - 1)
    const newValue = coupon >>> KEY_BITS_26
    const curValue = this.getSlotValue(slotNo)
    if (newValue > curValue) {
      this.putSlot(slotNo, newValue)
      this.hipAndKxQIncrementalUpdate(curValue, newValue)
      if (curValue === 0) this.numAtCurMin--
    }
  }
}
