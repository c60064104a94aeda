/**
 * The preamble of a serialized frequent-items sketch, as Apache DataSketches lays it out
 * (little-endian):
 *
 * ```
 * byte 0 preLongs (1 empty, 4 otherwise) | 1 serVer = 1 | 2 family = 10 | 3 lgMaxMapSize
 *      4 lgCurMapSize | 5 flags (empty: bit 0 or bit 2) | 6..7 unused
 * non-empty: 8 numActive u32 | 12 unused u32 | 16 totalWeight u64 | 24 offset u64
 * then numActive weights (u64), then numActive items (their encoding depends on the item type).
 * ```
 */
import type { FrequentItemsSerialLayout } from "../../frequent/FrequentItemsSerialLayout.js"
import { SketchError, type SketchErrorReason } from "../../SketchError.js"
import type { ByteReader } from "../ByteReader.js"
import { mapCapacity } from "./ReversePurgeHashMap.js"

const FAMILY = 10
const SERIAL_VERSION = 1
const PRE_LONGS_EMPTY = 1
const PRE_LONGS_FULL = 4
const FLAG_EMPTY_BITS = 0x05

/** Smallest table DataSketches starts with (2^3 slots). */
export const LG_MIN_MAP_SIZE = 3
/**
 * Largest lgMaxMapSize we accept: 2^20 slots (786,432 counters, error ≤ 3.3e-6 of the total weight;
 * whylogs uses 2^10). Upstream allows up to 31, but a reader allocates the table the header names,
 * so a hostile 8-byte input must not cost more than a few tens of megabytes.
 */
export const LG_MAX_MAP_SIZE_LIMIT = 20
/** Bytes before the weights of a non-empty sketch. */
export const FULL_PREAMBLE_BYTES = PRE_LONGS_FULL * 8

/** What the preamble says. `numActive`, `totalWeight` and `offset` are 0 for an empty sketch. */
export interface FrequentItemsPreamble {
  readonly lgMaxMapSize: number
  readonly lgCurMapSize: number
  readonly empty: boolean
  readonly numActive: number
  readonly totalWeight: number
  readonly offset: number
}

const fail = (reason: SketchErrorReason, message: string): never => {
  throw new SketchError("FrequentItems", reason, message)
}

/** Throws unless `lgMax` is a map size we support. */
export const checkLgMaxMapSize = (lgMax: number, what: string, reason: SketchErrorReason): void => {
  if (!Number.isInteger(lgMax) || lgMax < LG_MIN_MAP_SIZE || lgMax > LG_MAX_MAP_SIZE_LIMIT) {
    fail(reason, `${what} must be an integer in ${LG_MIN_MAP_SIZE}..${LG_MAX_MAP_SIZE_LIMIT}, got ${lgMax}`)
  }
}

/** Reads and validates the preamble (and checks that the weights that follow are all present). */
export const readPreamble = (r: ByteReader): FrequentItemsPreamble => {
  r.need(0, 8, "preamble")
  const preLongs = r.u8(0, "preLongs")
  const serVer = r.u8(1, "serVer")
  const family = r.u8(2, "family")
  const lgMaxMapSize = r.u8(3, "lgMaxMapSize")
  const lgCurMapSize = r.u8(4, "lgCurMapSize")
  const flags = r.u8(5, "flags")
  if (family !== FAMILY) fail("BadFamily", `family must be ${FAMILY} (frequent items), got ${family}`)
  if (serVer !== SERIAL_VERSION) fail("BadVersion", `serVer must be ${SERIAL_VERSION}, got ${serVer}`)
  const empty = (flags & FLAG_EMPTY_BITS) !== 0
  const wantPreLongs = empty ? PRE_LONGS_EMPTY : PRE_LONGS_FULL
  if (preLongs !== wantPreLongs) {
    fail(
      "BadPreamble",
      `preLongs must be ${wantPreLongs} for ${empty ? "an empty" : "a non-empty"} sketch (flags 0x${flags.toString(16)}), got ${preLongs}`,
    )
  }
  checkLgMaxMapSize(lgMaxMapSize, "lgMaxMapSize", "BadPreamble")
  if (lgCurMapSize < LG_MIN_MAP_SIZE || lgCurMapSize > lgMaxMapSize) {
    fail(
      "BadPreamble",
      `lgCurMapSize must be in ${LG_MIN_MAP_SIZE}..lgMaxMapSize (${lgMaxMapSize}), got ${lgCurMapSize}`,
    )
  }
  if (empty) {
    if (r.length > 8) fail("Oversized", `an empty sketch is 8 bytes, the input has ${r.length}`)
    return { lgMaxMapSize, lgCurMapSize, empty, numActive: 0, totalWeight: 0, offset: 0 }
  }
  r.need(0, FULL_PREAMBLE_BYTES, "preamble of a non-empty sketch")
  const numActive = r.u32(8, "numActive")
  const capacity = mapCapacity(lgCurMapSize)
  if (numActive > capacity) {
    fail(
      "Corrupt",
      `numActive ${numActive} exceeds the capacity ${capacity} of a map with lgCurMapSize ${lgCurMapSize}`,
    )
  }
  const totalWeight = r.u64Number(16, "totalWeight")
  const offset = r.u64Number(24, "offset")
  if (offset > totalWeight) fail("Corrupt", `offset ${offset} exceeds totalWeight ${totalWeight}`)
  r.need(FULL_PREAMBLE_BYTES, numActive * 8, `weights of ${numActive} items`)
  return { lgMaxMapSize, lgCurMapSize, empty, numActive, totalWeight, offset }
}

/**
 * Reads the `numActive` weights after the preamble; each must be a positive integer below 2^53 and
 * together they cannot exceed the total weight. The array is a view of a buffer kept between decodes
 * (the decoder inserts the weights into its map right away; a fresh block per decode cost more than
 * reading them): valid until the next call.
 */
export const readWeights = (r: ByteReader, pre: FrequentItemsPreamble): Float64Array => {
  const weights = weightScratch(pre.numActive)
  const view = r.view // readPreamble checked that every weight is there
  let sum = 0
  for (let i = 0; i < pre.numActive; i++) {
    const at = FULL_PREAMBLE_BYTES + i * 8
    const high = view.getUint32(at + 4, true)
    // beyond 2^53: let the u64 read name the exact value
    if (high >= 0x20_0000) r.u64Number(at, `weight ${i}`)
    const w = high * 0x1_0000_0000 + view.getUint32(at, true)
    if (w === 0) fail("Corrupt", `weight ${i} is 0; active items have positive weights`)
    weights[i] = w
    sum += w
  }
  if (sum > pre.totalWeight) {
    fail("Corrupt", `the item weights add up to ${sum}, more than totalWeight ${pre.totalWeight}`)
  }
  return weights
}

/** Room for `count` weights: a kept buffer up to 2^13 of them (0.75 · 2^lgMax for lgMax ≤ 13), else fresh. */
const weightScratch = (() => {
  const KEEP = 1 << 13
  let kept = new Float64Array(0)
  return (count: number): Float64Array => {
    if (count > kept.length) {
      const fresh = new Float64Array(Math.max(count, 2 * kept.length, 64))
      if (fresh.length > KEEP) return fresh.subarray(0, count)
      kept = fresh
    }
    return kept.subarray(0, count)
  }
})()

/** The whole 8-byte serialization of an empty sketch. */
export const emptySketchBytes = (
  lgMaxMapSize: number,
  lgCurMapSize: number,
  layout: FrequentItemsSerialLayout,
): Uint8Array =>
  Uint8Array.of(
    PRE_LONGS_EMPTY,
    SERIAL_VERSION,
    FAMILY,
    lgMaxMapSize,
    lgCurMapSize,
    layout === "whylogs" ? 0x01 : FLAG_EMPTY_BITS,
    0,
    0,
  )

/**
 * Allocates the serialization of a non-empty sketch and fills the preamble and the weights; the
 * caller writes `itemBytes` bytes of items from `FULL_PREAMBLE_BYTES + 8 * weights.length`.
 */
export const fullSketchBytes = (
  lgMaxMapSize: number,
  lgCurMapSize: number,
  totalWeight: number,
  offset: number,
  weights: ArrayLike<number>,
  itemBytes: number,
): { readonly bytes: Uint8Array; readonly view: DataView; readonly itemsStart: number } => {
  const itemsStart = FULL_PREAMBLE_BYTES + 8 * weights.length
  const bytes = new Uint8Array(itemsStart + itemBytes)
  const view = new DataView(bytes.buffer)
  bytes[0] = PRE_LONGS_FULL
  bytes[1] = SERIAL_VERSION
  bytes[2] = FAMILY
  bytes[3] = lgMaxMapSize
  bytes[4] = lgCurMapSize
  view.setUint32(8, weights.length, true)
  view.setBigUint64(16, BigInt(totalWeight), true)
  view.setBigUint64(24, BigInt(offset), true)
  for (let i = 0; i < weights.length; i++)
    view.setBigUint64(FULL_PREAMBLE_BYTES + 8 * i, BigInt(weights[i]), true)
  return { bytes, view, itemsStart }
}
