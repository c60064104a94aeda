import type { AuxHashMap } from "./AuxHashMap.js"
import { X_ARRAYS, Y_STRIDES } from "./CompositeInterpolationXTable.js"
import { interpolateWithYStride } from "./CubicInterpolation.js"
import { getBitMapEstimate } from "./HarmonicNumbers.js"
import { HllImpl } from "./HllImpl.js"
import {
  AUX_COUNT_INT,
  CUR_MIN_COUNT_INT,
  EMPTY,
  FAMILY_BYTE,
  FAMILY_ID,
  FLAGS_BYTE,
  HIP_ACCUM_DOUBLE,
  HLL_BYTE_ARR_START,
  HLL_CUR_MIN_BYTE,
  HLL_PREINTS,
  hllArrBytes,
  KXQ0_DOUBLE,
  KXQ1_DOUBLE,
  LG_ARR_BYTE,
  LG_AUX_ARR_INTS,
  LG_K_BYTE,
  MIN_LG_K,
  MODE_BYTE,
  MODE_HLL,
  PREAMBLE_INTS_BYTE,
  SER_VER,
  SER_VER_BYTE,
  TGT_HLL4,
  TGT_HLL8,
} from "./HllPreamble.js"
import { getRelErr } from "./RelativeErrorTables.js"

/** 2^-i for i = 0..63 (exact in binary floating point). */
export const INVERSE_POWERS_OF_2: Float64Array = Float64Array.from({ length: 64 }, (_, i) => 2 ** -i)

/**
 * HLL mode: k = 2^lgK registers plus the estimator state — the HIP accumulator and the two halves of
 * Σ 2^-register (kxq0 for registers < 32, kxq1 for the rest, so that both sums stay exact in a double).
 * Subclasses store the registers in 4, 6 or 8 bits.
 */
export abstract class HllArray extends HllImpl {
  hipAccum = 0.0
  kxq0: number
  kxq1 = 0.0
  /** Always 0 for HLL_6/8 (there numAtCurMin counts the zero registers); tracked by HLL_4. */
  curMin = 0
  numAtCurMin: number
  oooFlag = false
  /** Set after a fast register merge in a union: kxq, curMin and numAtCurMin must be recomputed. */
  rebuildKxqCurMin = false
  readonly hllByteArr: Uint8Array

  constructor(lgConfigK: number, tgtHllType: number, hllByteArr?: Uint8Array) {
    super(lgConfigK, tgtHllType, MODE_HLL)
    this.kxq0 = 1 << lgConfigK
    this.numAtCurMin = 1 << lgConfigK
    this.hllByteArr = hllByteArr ?? new Uint8Array(hllArrBytes(tgtHllType, lgConfigK))
  }

  /** Applies one coupon (`value << 26 | address`) to its register. */
  abstract couponUpdate(coupon: number): void
  /** The actual value of a register (HLL_4 adds curMin and looks exceptions up). */
  abstract getSlotValue(slotNo: number): number
  abstract override copy(): HllArray

  getAuxHashMap(): AuxHashMap | null {
    return null
  }

  /** Updates HIP (before kxq, as the reference does) and kxq when a register goes from old to new. */
  protected hipAndKxQIncrementalUpdate(oldValue: number, newValue: number): void {
    const configK = 1 << this.lgConfigK
    if (!this.oooFlag) this.hipAccum += configK / (this.kxq0 + this.kxq1)
    if (oldValue < 32) this.kxq0 -= INVERSE_POWERS_OF_2[oldValue]!
    else this.kxq1 -= INVERSE_POWERS_OF_2[oldValue]!
    if (newValue < 32) this.kxq0 += INVERSE_POWERS_OF_2[newValue]!
    else this.kxq1 += INVERSE_POWERS_OF_2[newValue]!
  }

  /** Recomputes kxq, curMin and numAtCurMin from the registers after a union's register merge. */
  checkRebuildKxqCurMin(): void {
    if (!this.rebuildKxqCurMin) return
    let curMin = 64
    let numAtCurMin = 0
    let kxq0 = 1 << this.lgConfigK
    let kxq1 = 0
    const k = 1 << this.lgConfigK
    const direct = this.tgtHllType === TGT_HLL8 ? this.hllByteArr : null
    for (let i = 0; i < k; i++) {
      const v = direct !== null ? direct[i]! : this.getSlotValue(i)
      if (v > 0) {
        if (v < 32) kxq0 += INVERSE_POWERS_OF_2[v]! - 1.0
        else kxq1 += INVERSE_POWERS_OF_2[v]! - 1.0
      }
      if (v > curMin) continue
      if (v < curMin) {
        curMin = v
        numAtCurMin = 1
      } else {
        numAtCurMin++
      }
    }
    this.kxq0 = kxq0
    this.kxq1 = kxq1
    this.curMin = curMin
    this.numAtCurMin = numAtCurMin
    this.rebuildKxqCurMin = false
  }

  override getEstimate(): number {
    return this.oooFlag ? this.getCompositeEstimate() : this.hipAccum
  }

  /**
   * The non-HIP estimator: the raw HLL estimate, bias-corrected by cubic interpolation, and below 3k
   * blended with linear counting (DataSketches' "composite" estimator).
   */
  override getCompositeEstimate(): number {
    const rawEst = this.getHllRawEstimate()
    const lgK = this.lgConfigK
    const xArr = X_ARRAYS[lgK - MIN_LG_K]!
    const yStride = Y_STRIDES[lgK - MIN_LG_K]!
    if (rawEst < xArr[0]!) return 0
    const xArrLenM1 = xArr.length - 1
    if (rawEst > xArr[xArrLenM1]!) {
      const finalY = yStride * xArrLenM1
      const factor = finalY / xArr[xArrLenM1]!
      return rawEst * factor
    }
    const adjEst = interpolateWithYStride(xArr, yStride, rawEst)
    // linear counting is only safe well below 3k (empirically, for 2^4 <= k <= 2^21)
    if (adjEst > 3 << lgK) return adjEst
    const linEst = this.getHllBitMapEstimate()
    // comparing the average of both against the crossover point biases less than comparing either one
    const avgEst = (adjEst + linEst) / 2.0
    let crossOver = 0.64
    if (lgK === 4) crossOver = 0.718
    else if (lgK === 5) crossOver = 0.672
    return avgEst > crossOver * (1 << lgK) ? adjEst : linEst
  }

  override getLowerBound(numStdDev: number): number {
    const configK = 1 << this.lgConfigK
    const numNonZeros = this.curMin === 0 ? configK - this.numAtCurMin : configK
    const relErr = getRelErr(false, this.oooFlag, this.lgConfigK, numStdDev)
    return Math.max(this.getEstimate() / (1.0 + relErr), numNonZeros)
  }

  override getUpperBound(numStdDev: number): number {
    const relErr = getRelErr(true, this.oooFlag, this.lgConfigK, numStdDev)
    return this.getEstimate() / (1.0 + relErr)
  }

  override isEmpty(): boolean {
    return this.curMin === 0 && this.numAtCurMin === 1 << this.lgConfigK
  }

  override isOutOfOrder(): boolean {
    return this.oooFlag
  }

  override putOutOfOrder(flag: boolean): void {
    this.oooFlag = flag
  }

  /** Copies the estimator state of `other` onto this (freshly built) array. */
  protected copyStateFrom(other: HllArray): void {
    this.hipAccum = other.hipAccum
    this.kxq0 = other.kxq0
    this.kxq1 = other.kxq1
    this.curMin = other.curMin
    this.numAtCurMin = other.numAtCurMin
    this.oooFlag = other.oooFlag
    this.rebuildKxqCurMin = other.rebuildKxqCurMin
  }

  private getHllBitMapEstimate(): number {
    const configK = 1 << this.lgConfigK
    const numUnhitBuckets = this.curMin === 0 ? this.numAtCurMin : 0
    if (numUnhitBuckets === 0) return configK * Math.log(configK / 0.5)
    return getBitMapEstimate(configK, configK - numUnhitBuckets)
  }

  private getHllRawEstimate(): number {
    const configK = 1 << this.lgConfigK
    let correctionFactor: number
    if (this.lgConfigK === 4) correctionFactor = 0.673
    else if (this.lgConfigK === 5) correctionFactor = 0.697
    else if (this.lgConfigK === 6) correctionFactor = 0.709
    else correctionFactor = 0.7213 / (1.0 + 1.079 / configK)
    return (correctionFactor * configK * configK) / (this.kxq0 + this.kxq1)
  }

  override serialize(compact: boolean): Uint8Array {
    const aux = this.getAuxHashMap()
    const arrBytes = this.hllByteArr.length
    let auxBytes = 0
    if (this.tgtHllType === TGT_HLL4) {
      if (aux !== null) auxBytes = compact ? aux.auxCount << 2 : 4 << aux.lgAuxArrInts
      else if (!compact) auxBytes = 4 << LG_AUX_ARR_INTS[this.lgConfigK]!
    }
    const bytes = new Uint8Array(HLL_BYTE_ARR_START + arrBytes + auxBytes)
    const view = new DataView(bytes.buffer)
    bytes[PREAMBLE_INTS_BYTE] = HLL_PREINTS
    bytes[SER_VER_BYTE] = SER_VER
    bytes[FAMILY_BYTE] = FAMILY_ID
    bytes[LG_K_BYTE] = this.lgConfigK
    bytes[LG_ARR_BYTE] = aux === null ? 0 : aux.lgAuxArrInts
    bytes[FLAGS_BYTE] = this.flagsByte(compact)
    bytes[HLL_CUR_MIN_BYTE] = this.curMin
    bytes[MODE_BYTE] = this.modeByte()
    view.setFloat64(HIP_ACCUM_DOUBLE, this.hipAccum, true)
    view.setFloat64(KXQ0_DOUBLE, this.kxq0, true)
    view.setFloat64(KXQ1_DOUBLE, this.kxq1, true)
    view.setUint32(CUR_MIN_COUNT_INT, this.numAtCurMin, true)
    view.setUint32(AUX_COUNT_INT, aux === null ? 0 : aux.auxCount, true)
    bytes.set(this.hllByteArr, HLL_BYTE_ARR_START)
    if (aux !== null) {
      let at = HLL_BYTE_ARR_START + arrBytes
      const entries = aux.entries
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!
        if (compact && entry === EMPTY) continue
        view.setInt32(at, entry, true)
        at += 4
      }
    }
    return bytes
  }
}
