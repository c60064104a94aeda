import { FrequentStringsSketch, HllSketch, KllDoublesSketch } from "@sketchlog/sketches"
import { ColumnProfileView } from "../ColumnProfileView.js"
import { bigintFitsInt64, type ColumnType, INT64_LIMIT } from "../ColumnType.js"
import { CardinalityMetric } from "../metrics/CardinalityMetric.js"
import { CountsMetric } from "../metrics/CountsMetric.js"
import { DistributionMetric } from "../metrics/DistributionMetric.js"
import { FrequentItemsMetric } from "../metrics/FrequentItemsMetric.js"
import { IntsMetric } from "../metrics/IntsMetric.js"
import { TypesMetric } from "../metrics/TypesMetric.js"
import type { EmbeddingTracker } from "./EmbeddingTracker.js"
import { cutItem, doubleText, integerText } from "./ItemText.js"
import { SketchCell } from "./SketchCell.js"
import { FREQUENT_LG_MAX, frequentCodec, HLL_LG_K, hllCodec, KLL_K, kllCodec } from "./SketchCodecs.js"
import { isTensor } from "./TensorShape.js"

/**
 * Strings longer than this (UTF-16 units) are cut to it before hashing for cardinality, so one huge
 * value costs a bounded time (whylogs hashes the whole string: two strings that differ only after
 * 64 Ki units count once here). Frequent items cut at 128 code points anyway.
 */
export const MAX_HASHED_STRING_UNITS = 65_536

/** Stands for "no previous value" in the repeat memo (no cell is ever this object). */
const NO_VALUE: unknown = Object.freeze({})

/** Which branch the previous value took: what a repeat of it must count again. */
const Kind = { None: 0, Integer: 1, Double: 2, String: 3, Boolean: 4 } as const
type Kind = (typeof Kind)[keyof typeof Kind]

let repeatShortcuts = true

/**
 * @internal Turns the repeat shortcut off (tests compare both paths byte for byte) or on again.
 */
export const setRepeatShortcuts = (enabled: boolean): void => {
  repeatShortcuts = enabled
}

/**
 * The mutable state of one column while a profile is tracked: plain number fields and the three
 * sketches, updated in place with no allocation per value (beyond the text a frequent-items update
 * needs). Which metrics exist is fixed by the column type, declared or taken from the first non-null
 * value, exactly as whylogs' standard resolver does. In a fractional column every number is a double
 * (JavaScript has no 1.0 apart from 1; this is what a pandas float64 column gives whylogs).
 */
export class ColumnTracker {
  type: ColumnType | undefined = undefined
  n = 0
  nulls = 0
  nans = 0
  infs = 0
  trues = 0
  integral = 0
  fractional = 0
  booleans = 0
  strings = 0
  objects = 0
  tensors = 0
  kll: KllDoublesSketch | null = null
  hll: HllSketch | null = null
  frequent: FrequentStringsSketch | null = null
  hasInts = false
  intMin = Number.POSITIVE_INFINITY
  intMax = Number.NEGATIVE_INFINITY
  bigMin: bigint | null = null
  bigMax: bigint | null = null
  // Welford over the finite values; infinities only set flags (see `mean`/`m2` in snapshot()).
  finiteN = 0
  mean = 0
  m2 = 0
  posInf = false
  negInf = false
  /** The embedding metric of a column configured with reference vectors (its values also count here, as tensors). */
  readonly embedding: EmbeddingTracker | null
  // The repeat memo. HTTP columns (method, route, status, content types, header flags, body field
  // counts) and many body fields repeat the previous value. A repeat needs no HLL update (the value is
  // in the sketch already: an HLL update is idempotent at any later time), and its frequent-items
  // weight can be added in one update once the run ends, which is exactly what one update per value
  // gives as long as the item is in the map (only its own insertion can purge it: checked below).
  // KLL, counts, types and the moments still see every value, so the profile is byte-identical.
  last: unknown = NO_VALUE
  lastKind: Kind = Kind.None
  /** The frequent item of `last`, its weight not yet added, and whether it may be deferred. */
  runItem = ""
  runWeight = 0
  runLive = false

  constructor(declared?: ColumnType, embedding?: EmbeddingTracker) {
    this.embedding = embedding ?? null
    if (declared !== undefined) this.resolve(declared)
  }

  /** Fix the column type and create its metrics (whylogs' StandardResolver). */
  resolve(type: ColumnType): void {
    this.type = type
    if (type === "any") return
    this.kll = new KllDoublesSketch(KLL_K)
    this.hll = new HllSketch(HLL_LG_K, "HLL_4")
    if (type !== "fractional") this.frequent = new FrequentStringsSketch(FREQUENT_LG_MAX)
    this.hasInts = type === "integral"
  }

  /** Count one value. Never throws: every JavaScript value is some kind of cell. */
  track(value: unknown): void {
    this.n++
    if (this.embedding !== null && value !== null && value !== undefined) this.embedding.track(value)
    // `-0 === 0`, but a fractional column's text of -0 differs: zeros repeat only with the same sign.
    if (value === this.last && (value !== 0 || 1 / (value as number) === 1 / (this.last as number))) {
      this.repeat(value)
      return
    }
    switch (typeof value) {
      case "number":
        if (Number.isNaN(value)) this.nan()
        else if (
          this.type !== "fractional" &&
          Number.isInteger(value) &&
          value < INT64_LIMIT &&
          value > -INT64_LIMIT
        ) {
          this.integer(value)
        } else this.double(value)
        return
      case "string":
        this.string(value)
        return
      case "boolean":
        this.boolean(value)
        return
      case "bigint":
        if (bigintFitsInt64(value)) this.bigint(value)
        else this.object(false)
        return
      case "undefined":
        this.nulls++
        return
      case "object":
        if (value === null) this.nulls++
        else this.object(isTensor(value))
        return
      default:
        this.object(false)
    }
  }

  private nan(): void {
    if (this.type === undefined) this.resolve("fractional")
    this.nulls++
    this.nans++
  }

  private integer(value: number): void {
    if (this.type === undefined) this.resolve("integral")
    this.integral++
    if (this.kll !== null) {
      this.kll.update(value)
      this.moment(value)
    }
    if (this.hasInts) {
      if (value < this.intMin) this.intMin = value
      if (value > this.intMax) this.intMax = value
    }
    if (this.hll !== null) this.hll.updateInt64(value)
    if (this.frequent !== null) this.item(integerText(value))
    this.remember(value, Kind.Integer)
  }

  private double(value: number): void {
    if (this.type === undefined) this.resolve("fractional")
    this.fractional++
    const infinite = value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY
    if (infinite) this.infs++
    if (this.kll !== null) {
      this.kll.update(value)
      if (!infinite) this.moment(value)
      else if (value > 0) this.posInf = true
      else this.negInf = true
    }
    if (this.hll !== null) this.hll.updateDouble(value)
    if (this.frequent !== null) this.item(doubleText(value))
    this.remember(value, Kind.Double)
  }

  private bigint(value: bigint): void {
    if (this.type === undefined) this.resolve("integral")
    this.integral++
    if (this.kll !== null) {
      const x = Number(value)
      this.kll.update(x)
      this.moment(x)
    }
    if (this.hasInts) {
      if (this.bigMin === null || value < this.bigMin) this.bigMin = value
      if (this.bigMax === null || value > this.bigMax) this.bigMax = value
    }
    if (this.hll !== null) this.hll.updateInt64(value)
    if (this.frequent !== null) this.item(value.toString())
    this.last = NO_VALUE // not memoized: its run item is no longer the previous number's
  }

  private string(value: string): void {
    if (this.type === undefined) this.resolve("string")
    this.strings++
    if (this.hll !== null) {
      this.hll.updateString(
        value.length > MAX_HASHED_STRING_UNITS ? value.slice(0, MAX_HASHED_STRING_UNITS) : value,
      )
    }
    if (this.frequent !== null) this.item(cutItem(value))
    this.remember(value, Kind.String)
  }

  private boolean(value: boolean): void {
    if (this.type === undefined) this.resolve("integral")
    this.booleans++
    const x = value ? 1 : 0
    if (value) this.trues++
    if (this.kll !== null) {
      this.kll.update(x)
      this.moment(x)
    }
    if (this.hll !== null) this.hll.updateInt64(x)
    if (this.frequent !== null) this.item(value ? "True" : "False")
    this.remember(value, Kind.Boolean)
  }

  private remember(value: unknown, kind: Kind): void {
    if (!repeatShortcuts) return
    this.last = value
    this.lastKind = kind
  }

  /** A frequent-items update for a value that is not a repeat: ends the previous run first. */
  private item(text: string): void {
    const frequent = this.frequent!
    if (this.runWeight > 0) {
      frequent.update(this.runItem, this.runWeight)
      this.runWeight = 0
    }
    const before = frequent.maximumError
    frequent.update(text)
    this.runItem = text
    // A purge (the only thing that raises the maximum error) may have removed the item just added;
    // then its repeats are counted one by one again until one stays.
    this.runLive = frequent.maximumError === before
  }

  /** The previous value again: everything but the HLL update, and the frequent item's weight deferred. */
  private repeat(value: unknown): void {
    switch (this.lastKind) {
      case Kind.Integer: {
        const x = value as number
        this.integral++
        if (this.kll !== null) {
          this.kll.update(x)
          this.moment(x)
        }
        break
      }
      case Kind.Double: {
        const x = value as number
        this.fractional++
        const infinite = x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY
        if (infinite) this.infs++
        if (this.kll !== null) {
          this.kll.update(x)
          if (!infinite) this.moment(x)
        }
        break
      }
      case Kind.String:
        this.strings++
        break
      case Kind.Boolean: {
        this.booleans++
        const x = value ? 1 : 0
        if (value) this.trues++
        if (this.kll !== null) {
          this.kll.update(x)
          this.moment(x)
        }
        break
      }
      default:
        return
    }
    if (this.frequent === null) return
    if (this.runLive) {
      this.runWeight++
      return
    }
    const frequent = this.frequent
    const before = frequent.maximumError
    frequent.update(this.runItem)
    this.runLive = frequent.maximumError === before
  }

  /** Adds the deferred weight of the current run (before the sketch is read). */
  private settleRun(): void {
    if (this.runWeight > 0) {
      this.frequent!.update(this.runItem, this.runWeight)
      this.runWeight = 0
    }
  }

  private object(tensor: boolean): void {
    if (this.type === undefined) this.resolve("any")
    if (tensor) this.tensors++
    else this.objects++
  }

  private moment(x: number): void {
    const n = ++this.finiteN
    const delta = x - this.mean
    this.mean += delta / n
    this.m2 += delta * (x - this.mean)
  }

  /** An immutable copy of the column's metrics as they are now. */
  snapshot(): ColumnProfileView {
    this.settleRun()
    const counts = new CountsMetric(this.n, this.nulls, this.nans, this.infs, this.trues)
    const types = new TypesMetric(
      this.integral,
      this.fractional,
      this.booleans,
      this.strings,
      this.objects,
      this.tensors,
    )
    let distribution: DistributionMetric | undefined
    if (this.kll !== null) {
      const infinite = this.posInf || this.negInf
      const mean =
        this.posInf && this.negInf ? Number.NaN : this.posInf ? Infinity : this.negInf ? -Infinity : this.mean
      const cell = SketchCell.ofBytes(kllCodec, kllCodec.encode(this.kll))
      distribution = new DistributionMetric(cell, mean, infinite ? Number.NaN : this.m2)
    }
    return new ColumnProfileView({
      counts,
      types,
      distribution,
      ints: this.hasInts ? this.ints() : undefined,
      cardinality:
        this.hll === null
          ? undefined
          : new CardinalityMetric(SketchCell.ofBytes(hllCodec, hllCodec.encode(this.hll))),
      frequentItems:
        this.frequent === null
          ? undefined
          : new FrequentItemsMetric(SketchCell.ofBytes(frequentCodec, frequentCodec.encode(this.frequent))),
      embedding: this.embedding?.snapshot(),
    })
  }

  private ints(): IntsMetric {
    let min = this.bigMin
    let max = this.bigMax
    if (this.intMin !== Number.POSITIVE_INFINITY) {
      const low = BigInt(this.intMin)
      const high = BigInt(this.intMax)
      if (min === null || low < min) min = low
      if (max === null || high > max) max = high
    }
    return new IntsMetric(min ?? IntsMetric.empty.min, max ?? IntsMetric.empty.max)
  }
}
