import { SketchError } from "../../SketchError.js"
import { AuxHashMap } from "./AuxHashMap.js"
import { HllArray } from "./HllArray.js"
import { AUX_TOKEN, KEY_BITS_26, KEY_MASK_26, LG_AUX_ARR_INTS, TGT_HLL4 } from "./HllPreamble.js"

/**
 * HLL_4: registers stored as 4-bit offsets from curMin (two per byte, low nibble = even slot); a value
 * that does not fit (offset ≥ 15) stores the token 15 and lives in the aux hash map. When every
 * register has left curMin, all offsets shift down by one (`shiftToBiggerCurMin`). Mirrors DataSketches
 * step for step, so the registers, aux table and estimator doubles come out bit-identical.
 */
export class Hll4Array extends HllArray {
  auxHashMap: AuxHashMap | null = null

  constructor(lgConfigK: number, hllByteArr?: Uint8Array) {
    super(lgConfigK, TGT_HLL4, hllByteArr)
  }

  override copy(): Hll4Array {
    const copy = new Hll4Array(this.lgConfigK, this.hllByteArr.slice())
    copy.copyStateFrom(this)
    copy.auxHashMap = this.auxHashMap === null ? null : this.auxHashMap.copy()
    return copy
  }

  override getAuxHashMap(): AuxHashMap | null {
    return this.auxHashMap
  }

  /** The stored nibble of a slot (an offset from curMin, or the aux token). */
  getNibble(slotNo: number): number {
    const byte = this.hllByteArr[slotNo >>> 1]!
    return (slotNo & 1) === 0 ? byte & 0x0f : byte >>> 4
  }

  private putNibble(slotNo: number, value: number): void {
    const byteNo = slotNo >>> 1
    const old = this.hllByteArr[byteNo]!
    this.hllByteArr[byteNo] =
      (slotNo & 1) === 0 ? (old & 0xf0) | (value & 0x0f) : (old & 0x0f) | ((value << 4) & 0xf0)
  }

  override getSlotValue(slotNo: number): number {
    const nibble = this.getNibble(slotNo)
    if (nibble === AUX_TOKEN) return this.mustAux().mustFindValueFor(slotNo)
    return nibble + this.curMin
  }

  override couponUpdate(coupon: number): void {
    const newValue = coupon >>> KEY_BITS_26
    // quick rejection: the common case once n is large
    if (newValue <= this.curMin) return
    this.update(coupon & ((1 << this.lgConfigK) - 1), newValue)
  }

  private update(slotNo: number, newValue: number): void {
    const rawStoredOldValue = this.getNibble(slotNo)
    const lbOnOldValue = rawStoredOldValue + this.curMin
    if (newValue <= lbOnOldValue) return
    const actualOldValue =
      rawStoredOldValue < AUX_TOKEN ? lbOnOldValue : this.mustAux().mustFindValueFor(slotNo)
    if (newValue <= actualOldValue) return
    this.hipAndKxQIncrementalUpdate(actualOldValue, newValue)
    const shiftedNewValue = newValue - this.curMin
    if (rawStoredOldValue === AUX_TOKEN) {
      // old and new are both exceptions (the new one cannot fit while curMin is unchanged)
      if (shiftedNewValue >= AUX_TOKEN) this.mustAux().mustReplace(slotNo, newValue)
    } else if (shiftedNewValue >= AUX_TOKEN) {
      this.putNibble(slotNo, AUX_TOKEN)
      if (this.auxHashMap === null)
        this.auxHashMap = new AuxHashMap(this.lgConfigK, LG_AUX_ARR_INTS[this.lgConfigK]!)
      this.auxHashMap.mustAdd(slotNo, newValue)
    } else {
      this.putNibble(slotNo, shiftedNewValue)
    }
    if (actualOldValue === this.curMin) {
      this.numAtCurMin--
      while (this.numAtCurMin === 0) this.shiftToBiggerCurMin()
    }
  }

  /** curMin += 1: every offset drops by one, exceptions that now fit leave the aux map. */
  private shiftToBiggerCurMin(): void {
    const newCurMin = this.curMin + 1
    const configK = 1 << this.lgConfigK
    const configKmask = configK - 1
    let numAtNewCurMin = 0
    let numAuxTokens = 0
    for (let i = 0; i < configK; i++) {
      let stored = this.getNibble(i)
      if (stored === 0) throw corrupt("a register at curMin was left when curMin moved up")
      if (stored < AUX_TOKEN) {
        this.putNibble(i, --stored)
        if (stored === 0) numAtNewCurMin++
      } else {
        numAuxTokens++
        if (this.auxHashMap === null) throw corrupt("an aux token without an aux map")
      }
    }
    let newAuxMap: AuxHashMap | null = null
    const oldAuxMap = this.auxHashMap
    if (oldAuxMap !== null) {
      const entries = oldAuxMap.entries
      for (let e = 0; e < entries.length; e++) {
        const entry = entries[e]!
        if (entry === 0) continue
        const slotNum = entry & KEY_MASK_26 & configKmask
        const oldActualVal = entry >>> KEY_BITS_26
        const newShiftedVal = oldActualVal - newCurMin
        if (newShiftedVal < 0) throw corrupt("an exception below curMin")
        if (this.getNibble(slotNum) !== AUX_TOKEN) throw corrupt("an aux entry whose register holds no token")
        if (newShiftedVal < AUX_TOKEN) {
          if (newShiftedVal !== 14) throw corrupt("an exception that should already have been folded back")
          this.putNibble(slotNum, newShiftedVal)
          numAuxTokens--
        } else {
          if (newAuxMap === null) newAuxMap = new AuxHashMap(this.lgConfigK, LG_AUX_ARR_INTS[this.lgConfigK]!)
          newAuxMap.mustAdd(slotNum, oldActualVal)
        }
      }
    } else if (numAuxTokens !== 0) {
      throw corrupt("aux tokens without an aux map")
    }
    if (newAuxMap !== null && newAuxMap.auxCount !== numAuxTokens)
      throw corrupt("aux count and tokens disagree")
    this.auxHashMap = newAuxMap
    this.curMin = newCurMin
    this.numAtCurMin = numAtNewCurMin
  }

  private mustAux(): AuxHashMap {
    if (this.auxHashMap === null) throw corrupt("an aux token without an aux map")
    return this.auxHashMap
  }
}

const corrupt = (message: string): SketchError => new SketchError("HLL", "Corrupt", `HLL_4 state: ${message}`)
