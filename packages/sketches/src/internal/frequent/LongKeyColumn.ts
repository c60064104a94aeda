import { SketchError } from "../../SketchError.js"
import { fmix64Low32 } from "./ItemHash.js"
import type { KeyColumn } from "./KeyColumn.js"

const TWO_POW_32 = 4294967296
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** An item a long sketch accepts: an int64 as a bigint, or a safe integer number. */
export type LongItem = bigint | number

/** int64 keys as two int32 columns (high and low word): no boxing, no BigInt on the update path. */
export class LongKeyColumn implements KeyColumn<bigint, LongItem> {
  readonly hi: Int32Array
  readonly lo: Int32Array
  #stagedHi = 0
  #stagedLo = 0

  constructor(size: number) {
    this.hi = new Int32Array(size)
    this.lo = new Int32Array(size)
  }

  stage(item: LongItem): number {
    if (typeof item === "number") {
      if (!Number.isSafeInteger(item)) {
        throw new SketchError(
          "FrequentItems",
          "BadParameter",
          `long items must be safe integers or bigints, got ${item}`,
        )
      }
      const hi = Math.floor(item / TWO_POW_32)
      this.#stagedHi = hi | 0
      this.#stagedLo = (item - hi * TWO_POW_32) | 0
    } else if (typeof item === "bigint") {
      if (item < INT64_MIN || item > INT64_MAX) {
        throw new SketchError("FrequentItems", "BadParameter", `long item ${item} is outside the int64 range`)
      }
      this.#stagedHi = Number(item >> 32n) | 0
      this.#stagedLo = Number(BigInt.asUintN(32, item)) | 0
    } else {
      throw new SketchError(
        "FrequentItems",
        "BadParameter",
        `long items must be bigints or numbers, got ${typeof item}`,
      )
    }
    return fmix64Low32(this.#stagedHi, this.#stagedLo)
  }

  /** Stages an int64 given as its two 32-bit words; returns its slot hash. */
  stageWords(hi: number, lo: number): number {
    this.#stagedHi = hi | 0
    this.#stagedLo = lo | 0
    return fmix64Low32(this.#stagedHi, this.#stagedLo)
  }

  stageFrom(source: LongKeyColumn, slot: number): void {
    this.#stagedHi = source.hi[slot]
    this.#stagedLo = source.lo[slot]
  }

  matchesStaged(slot: number): boolean {
    return this.lo[slot] === this.#stagedLo && this.hi[slot] === this.#stagedHi
  }

  storeStaged(slot: number): void {
    this.hi[slot] = this.#stagedHi
    this.lo[slot] = this.#stagedLo
  }

  move(from: number, to: number): void {
    this.hi[to] = this.hi[from]
    this.lo[to] = this.lo[from]
  }

  clear(_slot: number): void {
    // Nothing to release: the words are plain numbers and a free slot is marked by its weight.
  }

  copyFrom(source: LongKeyColumn, slot: number, to: number): void {
    this.hi[to] = source.hi[slot]
    this.lo[to] = source.lo[slot]
  }

  get(slot: number): bigint {
    return (BigInt(this.hi[slot]) << 32n) + BigInt(this.lo[slot] >>> 0)
  }

  withSize(size: number): this {
    return new LongKeyColumn(size) as this
  }
}
