import { COMPACT_FLAG_MASK, EMPTY_FLAG_MASK, OUT_OF_ORDER_FLAG_MASK } from "./HllPreamble.js"

/**
 * What every HLL representation (coupon LIST, coupon SET, HLL_4/6/8 register arrays) offers the sketch.
 * Modes and target types are the small integers of the mode byte (see `HllPreamble`).
 */
export abstract class HllImpl {
  constructor(
    readonly lgConfigK: number,
    readonly tgtHllType: number,
    readonly mode: number,
  ) {}

  abstract getEstimate(): number
  abstract getCompositeEstimate(): number
  abstract getLowerBound(numStdDev: number): number
  abstract getUpperBound(numStdDev: number): number
  abstract isEmpty(): boolean
  abstract isOutOfOrder(): boolean
  abstract putOutOfOrder(flag: boolean): void
  /** A deep copy with the same target type. */
  abstract copy(): HllImpl
  /** The image in the DataSketches layout, compact or updatable. */
  abstract serialize(compact: boolean): Uint8Array

  protected flagsByte(compact: boolean): number {
    return (
      (this.isEmpty() ? EMPTY_FLAG_MASK : 0) |
      (compact ? COMPACT_FLAG_MASK : 0) |
      (this.isOutOfOrder() ? OUT_OF_ORDER_FLAG_MASK : 0)
    )
  }

  protected modeByte(): number {
    return this.mode | (this.tgtHllType << 2)
  }
}
