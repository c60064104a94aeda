import { CouponList } from "../internal/hll/CouponList.js"
import type { Hll8Array } from "../internal/hll/Hll8Array.js"
import type { HllArray } from "../internal/hll/HllArray.js"
import type { HllImpl } from "../internal/hll/HllImpl.js"
import { copyAs, copyOrDownsampleToHll8, couponUpdate } from "../internal/hll/HllImplFactory.js"
import { MAX_LG_K, MIN_LG_K, MODE_HLL, TGT_HLL8 } from "../internal/hll/HllPreamble.js"
import { SketchError } from "../SketchError.js"
import { HllSketch } from "./HllSketch.js"
import { HLL_TARGET_TYPES, type HllTargetType } from "./HllType.js"

/**
 * Union of HLL sketches of any lgK and target type, as Apache DataSketches' `hll_union` does it: an HLL_8
 * "gadget" of at most 2^lgMaxK registers; LIST/SET inputs feed their coupons, HLL inputs merge register-wise
 * (folding a larger lgK down, or the gadget down to a smaller input lgK), which sets the out-of-order flag
 * so estimates switch from HIP to the composite estimator.
 */
export class HllUnion {
  private gadget: HllImpl

  /** An empty union whose result has at most 2^`lgMaxK` registers (4..21). */
  constructor(readonly lgMaxK = 12) {
    if (!Number.isInteger(lgMaxK) || lgMaxK < MIN_LG_K || lgMaxK > MAX_LG_K) {
      throw new SketchError(
        "HLL",
        "BadParameter",
        `lgMaxK must be an integer from ${MIN_LG_K} to ${MAX_LG_K}, got ${lgMaxK}`,
      )
    }
    this.gadget = new CouponList(lgMaxK, TGT_HLL8)
  }

  /** log2 of the number of registers the union currently works at (≤ lgMaxK). */
  get lgK(): number {
    return this.gadget.lgConfigK
  }

  /** True while nothing non-empty has been added. */
  get isEmpty(): boolean {
    return this.gadgetIsEmpty()
  }

  /** The distinct-count estimate of the union so far. */
  get estimate(): number {
    return this.rebuilt().getEstimate()
  }

  /** The composite (non-HIP) estimate of the union so far. */
  get compositeEstimate(): number {
    return this.rebuilt().getCompositeEstimate()
  }

  /** A lower bound at `numStdDev` (1, 2 or 3) standard deviations. */
  lowerBound(numStdDev: 1 | 2 | 3): number {
    return this.result().lowerBound(numStdDev)
  }

  /** An upper bound at `numStdDev` (1, 2 or 3) standard deviations. */
  upperBound(numStdDev: 1 | 2 | 3): number {
    return this.result().upperBound(numStdDev)
  }

  /** Adds a sketch (left unchanged). */
  update(sketch: HllSketch): void {
    if (sketch.isEmpty) return
    const src = sketch.impl
    let dst = this.gadget
    if (src.mode !== MODE_HLL) {
      if (this.gadgetIsEmpty() && src.lgConfigK === dst.lgConfigK) {
        dst = copyAs(src, TGT_HLL8)
      } else {
        const coupons = (src as CouponList).coupons
        for (let i = 0; i < coupons.length; i++) {
          const coupon = coupons[i]!
          if (coupon !== 0) dst = couponUpdate(dst, coupon)
        }
      }
    } else if (!this.gadgetIsEmpty()) {
      if (dst.mode !== MODE_HLL) {
        // reverse the merge: the HLL input (folded to lgMaxK) takes the gadget's coupons, since a
        // LIST/SET effectively has lgK 26
        const list = dst as CouponList
        const hll = copyOrDownsampleToHll8(src as HllArray, this.lgMaxK)
        hll.mergeList(list)
        dst = hll
      } else {
        if (src.lgConfigK < dst.lgConfigK) dst = copyOrDownsampleToHll8(dst as HllArray, src.lgConfigK)
        const hll = dst as Hll8Array
        hll.mergeHll(src as HllArray)
        hll.oooFlag = true
        hll.hipAccum = 0
      }
    } else {
      dst = copyOrDownsampleToHll8(src as HllArray, this.lgMaxK)
    }
    this.gadget = dst
  }

  /** The union as a sketch of the given target type (at the union's current lgK). */
  getResult(type: HllTargetType = "HLL_4"): HllSketch {
    const tgt = HLL_TARGET_TYPES.indexOf(type)
    if (tgt < 0)
      throw new SketchError("HLL", "BadParameter", `type must be HLL_4, HLL_6 or HLL_8, got ${String(type)}`)
    return HllSketch.fromImpl(copyAs(this.gadget, tgt))
  }

  /** The gadget with kxq, curMin and numAtCurMin up to date after fast register merges. */
  private rebuilt(): HllImpl {
    if (this.gadget.mode === MODE_HLL) (this.gadget as HllArray).checkRebuildKxqCurMin()
    return this.gadget
  }

  /**
   * An HLL-mode gadget always holds something (it only arises from non-empty inputs), as in DataSketches
   * Java. The C++ reference instead reads numAtCurMin, which a fast register merge leaves stale, so a
   * non-empty gadget can look empty there and be overwritten by the next input.
   */
  private gadgetIsEmpty(): boolean {
    return this.gadget.mode !== MODE_HLL && this.gadget.isEmpty()
  }

  private result(): HllSketch {
    return HllSketch.fromImpl(this.rebuilt())
  }
}
