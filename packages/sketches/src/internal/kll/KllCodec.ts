/**
 * Serialization of KLL doubles sketches, field by field as Apache DataSketches lays them out, plus the
 * whylogs variant (preInts 6 with four pad bytes). The decoder validates everything it reads, so
 * corrupt input yields a `SketchError` naming the field, never an out-of-range read.
 */
import type { KllSerialLayout } from "../../kll/KllSerialLayout.js"
import { SketchError, type SketchErrorReason } from "../../SketchError.js"
import { ByteReader } from "../ByteReader.js"
import { KLL_M, KLL_MAX_LEVELS, KLL_MIN_K, maxLevelsForN, totalCapacity } from "./KllCapacity.js"

const FAMILY = 15
const PREINTS_SHORT = 2
const PREINTS_FULL = 5
const PREINTS_WHYLOGS = 6
const SERIAL_VERSION_1 = 1
const SERIAL_VERSION_SINGLE = 2
const FLAG_EMPTY = 1
const FLAG_LEVEL_ZERO_SORTED = 2
const FLAG_SINGLE_ITEM = 4
const KNOWN_FLAGS = FLAG_EMPTY | FLAG_LEVEL_ZERO_SORTED | FLAG_SINGLE_ITEM

/**
 * The state of a sketch as the bytes carry it. `items` holds the levels (level i is
 * `items[levels[i], levels[i+1])`, `levels[numLevels]` = `items.length`); `bottom` more slots sit below
 * `items[0]` in the sketch's full buffer, whose capacity is `bottom + items.length`. A decoded state holds
 * only the retained items (`levels[0]` = 0, the free space all in `bottom`): the sketch allocates its
 * full buffer when it is first written to, so reading a stored sketch never pays for room it does not use.
 */
export interface KllState {
  readonly k: number
  readonly minK: number
  readonly n: number
  readonly numLevels: number
  readonly levels: Uint32Array
  readonly items: Float64Array
  readonly bottom: number
  readonly min: number
  readonly max: number
  readonly levelZeroSorted: boolean
}

const fail = (reason: SketchErrorReason, message: string): never => {
  throw new SketchError("KLL", reason, message)
}

/** Serializes a sketch state in the given layout. */
export const encodeKll = (s: KllState, layout: KllSerialLayout): Uint8Array => {
  const sortedFlag = s.levelZeroSorted ? FLAG_LEVEL_ZERO_SORTED : 0
  if (s.n === 0) {
    const out = new Uint8Array(8)
    writeHeader(out, PREINTS_SHORT, SERIAL_VERSION_1, FLAG_EMPTY, s.k)
    return out
  }
  const first = s.levels[0]
  if (s.n === 1) {
    const out = new Uint8Array(16)
    writeHeader(out, PREINTS_SHORT, SERIAL_VERSION_SINGLE, FLAG_SINGLE_ITEM | sortedFlag, s.k)
    new DataView(out.buffer).setFloat64(8, s.items[first], true)
    return out
  }
  const preInts = layout === "whylogs" ? PREINTS_WHYLOGS : PREINTS_FULL
  const numRetained = s.levels[s.numLevels] - first
  const levelsAt = preInts * 4
  const minAt = levelsAt + 4 * s.numLevels
  const out = new Uint8Array(minAt + 16 + 8 * numRetained)
  const view = new DataView(out.buffer)
  writeHeader(out, preInts, SERIAL_VERSION_1, sortedFlag, s.k)
  view.setUint32(8, s.n % 0x1_0000_0000, true)
  view.setUint32(12, Math.floor(s.n / 0x1_0000_0000), true)
  view.setUint16(16, s.minK, true)
  out[18] = s.numLevels
  // byte 19 unused; the whylogs layout adds four zero bytes (20..23) before the level offsets
  // offsets into the full buffer, as the format has them
  for (let i = 0; i < s.numLevels; i++) view.setUint32(levelsAt + 4 * i, s.bottom + s.levels[i], true)
  view.setFloat64(minAt, s.min, true)
  view.setFloat64(minAt + 8, s.max, true)
  // Items in buffer order, little-endian f64 (copy through a Float64Array when the platform is LE).
  const itemsAt = minAt + 16
  for (let i = 0; i < numRetained; i++) view.setFloat64(itemsAt + 8 * i, s.items[first + i], true)
  return out
}

const writeHeader = (out: Uint8Array, preInts: number, serVer: number, flags: number, k: number): void => {
  out[0] = preInts
  out[1] = serVer
  out[2] = FAMILY
  out[3] = flags
  out[4] = k & 0xff
  out[5] = k >>> 8
  out[6] = KLL_M
  out[7] = 0
}

/**
 * Parses and validates serialized KLL doubles bytes in either layout: the state they carry, or undefined
 * for a valid empty sketch (whose k `readK` gives), which needs no state.
 */
export const decodeKll = (bytes: Uint8Array): KllState | undefined => {
  const r = new ByteReader(bytes, "KLL")
  r.need(0, 8, "the 8-byte preamble")
  const preInts = r.u8(0, "preInts")
  const serVer = r.u8(1, "serVer")
  const family = r.u8(2, "family")
  const flags = r.u8(3, "flags")
  const k = r.u16(4, "k")
  const m = r.u8(6, "m")
  if (family !== FAMILY) fail("BadFamily", `family is ${family}, expected ${FAMILY} (KLL)`)
  if (serVer !== SERIAL_VERSION_1 && serVer !== SERIAL_VERSION_SINGLE) {
    fail("BadVersion", `serVer is ${serVer}, expected ${SERIAL_VERSION_1} or ${SERIAL_VERSION_SINGLE}`)
  }
  if ((flags & ~KNOWN_FLAGS) !== 0) fail("BadFlags", `flags 0x${hex(flags)} has unknown bits set`)
  const empty = (flags & FLAG_EMPTY) !== 0
  const single = (flags & FLAG_SINGLE_ITEM) !== 0
  if (empty && single) fail("BadFlags", `flags 0x${hex(flags)} say both empty and single item`)
  if (m !== KLL_M) fail("BadParameter", `m is ${m}, expected ${KLL_M}`)
  if (k < KLL_MIN_K) fail("BadParameter", `k is ${k}, expected ${KLL_MIN_K}..65535`)
  if (empty || single) {
    if (preInts !== PREINTS_SHORT) {
      fail(
        "BadPreamble",
        `preInts is ${preInts}, expected ${PREINTS_SHORT} for an empty or single-item sketch`,
      )
    }
  } else if (preInts !== PREINTS_FULL && preInts !== PREINTS_WHYLOGS) {
    fail("BadPreamble", `preInts is ${preInts}, expected ${PREINTS_FULL} or ${PREINTS_WHYLOGS} (whylogs)`)
  }
  const levelZeroSorted = (flags & FLAG_LEVEL_ZERO_SORTED) !== 0

  if (empty) {
    expectLength(bytes, 8, "an empty sketch")
    return undefined
  }
  if (single) {
    expectLength(bytes, 16, "a single-item sketch")
    const item = r.f64(8, "the single item")
    if (Number.isNaN(item)) fail("Corrupt", "the single item is NaN")
    const levels = Uint32Array.of(0, 1)
    const items = Float64Array.of(item)
    const bottom = totalCapacity(k, 1) - 1
    return { k, minK: k, n: 1, numLevels: 1, levels, items, bottom, min: item, max: item, levelZeroSorted }
  }

  const levelsAt = preInts * 4
  r.need(0, levelsAt, `the ${levelsAt}-byte preamble`)
  const n = r.u64Number(8, "n")
  const minK = r.u16(16, "minK")
  const numLevels = r.u8(18, "numLevels")
  if (n === 0) fail("Corrupt", "n is 0 but the empty flag is not set")
  if (minK < KLL_MIN_K || minK > k) fail("BadParameter", `minK is ${minK}, expected ${KLL_MIN_K}..k (${k})`)
  const maxLevels = Math.min(KLL_MAX_LEVELS, maxLevelsForN(n))
  if (numLevels < 1 || numLevels > maxLevels) {
    fail("Corrupt", `numLevels is ${numLevels}, expected 1..${maxLevels} for n = ${n}`)
  }
  const capacity = totalCapacity(k, numLevels)
  const levels = new Uint32Array(numLevels + 1)
  r.need(levelsAt, 4 * numLevels, "the level offsets")
  for (let i = 0; i < numLevels; i++) levels[i] = r.view.getUint32(levelsAt + 4 * i, true)
  levels[numLevels] = capacity
  for (let i = 0; i < numLevels; i++) {
    if (levels[i] > capacity) {
      fail("Corrupt", `level offset ${i} is ${levels[i]}, past the end of the buffer (${capacity} items)`)
    }
    if (i > 0 && levels[i] < levels[i - 1]) {
      fail(
        "Corrupt",
        `level offsets out of order: offset ${i} (${levels[i]}) < offset ${i - 1} (${levels[i - 1]})`,
      )
    }
  }
  let weight = 0
  for (let i = 0; i < numLevels; i++) weight += (levels[i + 1] - levels[i]) * 2 ** i
  if (weight !== n) fail("Corrupt", `the levels hold a total weight of ${weight} but n is ${n}`)

  const numRetained = capacity - levels[0]
  const minAt = levelsAt + 4 * numLevels
  expectLength(bytes, minAt + 16 + 8 * numRetained, `a sketch with ${numRetained} retained items`)
  const min = r.f64(minAt, "min")
  const max = r.f64(minAt + 8, "max")
  if (Number.isNaN(min) || Number.isNaN(max) || max < min)
    fail("Corrupt", `min ${min} and max ${max} are invalid`)
  // Only the retained items: the sketch makes room for more when it is first written to.
  const items = r.f64Array(minAt + 16, numRetained, "the retained items")
  const bottom = levels[0]
  for (let i = 0; i <= numLevels; i++) levels[i] -= bottom
  const zeroSorted = checkItems(items, levels, numLevels, min, max)
  // A "sorted" flag on an unsorted level zero is only a missed optimisation: drop the flag.
  const sorted = levelZeroSorted && zeroSorted
  return { k, minK, n, numLevels, levels, items, bottom, min, max, levelZeroSorted: sorted }
}

/**
 * One pass over the retained items: every item within [min, max] (so no NaN) and every level above
 * zero sorted. Returns whether level zero happens to be sorted too. Anything wrong goes to
 * `explainItems`, which names the first bad item or level.
 */
const checkItems = (
  items: Float64Array,
  levels: Uint32Array,
  numLevels: number,
  min: number,
  max: number,
): boolean => {
  let ok = true
  let zeroSorted = true
  let prev = min
  for (let i = levels[0], end = levels[1]; i < end; i++) {
    const x = items[i]
    // NaN fails both comparisons
    if (!(x >= min && x <= max)) ok = false
    if (x < prev) zeroSorted = false
    prev = x
  }
  for (let level = 1; level < numLevels && ok; level++) {
    // sorted and at least min: each item at least the one before (NaN fails this too)
    prev = min
    for (let i = levels[level], end = levels[level + 1]; i < end; i++) {
      const x = items[i]
      if (!(x >= prev)) ok = false
      prev = x
    }
    if (!(prev <= max)) ok = false
  }
  if (!ok) explainItems(items, levels, numLevels, min, max)
  return zeroSorted
}

/** Names the first item outside [min, max], else the first unsorted level (run once a check has failed). */
const explainItems = (
  items: Float64Array,
  levels: Uint32Array,
  numLevels: number,
  min: number,
  max: number,
): never => {
  for (let i = levels[0]; i < levels[numLevels]; i++) {
    const item = items[i]
    if (!(item >= min && item <= max)) {
      fail("Corrupt", `item ${i - levels[0]} (${item}) lies outside [min, max]`)
    }
  }
  for (let level = 1; level < numLevels; level++) {
    if (!isSorted(items, levels[level], levels[level + 1])) fail("Corrupt", `level ${level} is not sorted`)
  }
  return fail("Corrupt", "the retained items are inconsistent")
}

/** k of bytes that `decodeKll` accepted. */
export const readK = (bytes: Uint8Array): number => bytes[4]! | (bytes[5]! << 8)

const expectLength = (bytes: Uint8Array, expected: number, what: string): void => {
  if (bytes.byteLength < expected) {
    fail("Truncated", `${what} needs ${expected} bytes but the input has ${bytes.byteLength}`)
  }
  if (bytes.byteLength > expected) {
    fail("Oversized", `${what} takes ${expected} bytes but the input has ${bytes.byteLength}`)
  }
}

const isSorted = (items: Float64Array, from: number, to: number): boolean => {
  for (let i = from + 1; i < to; i++) if (items[i] < items[i - 1]) return false
  return true
}

const hex = (v: number): string => v.toString(16).padStart(2, "0")
