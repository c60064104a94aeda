import { SketchError, type SketchErrorReason } from "../../SketchError.js"
import { ByteReader } from "../ByteReader.js"
import { AuxHashMap, findIn } from "./AuxHashMap.js"
import { CouponHashSet, findCoupon } from "./CouponHashSet.js"
import { CouponList } from "./CouponList.js"
import { Hll4Array } from "./Hll4Array.js"
import { Hll6Array } from "./Hll6Array.js"
import { Hll8Array } from "./Hll8Array.js"
import type { HllArray } from "./HllArray.js"
import type { HllImpl } from "./HllImpl.js"
import { registerValues } from "./HllImplFactory.js"
import {
  AUX_COUNT_INT,
  COMPACT_FLAG_MASK,
  CUR_MIN_COUNT_INT,
  computeLgArrInts,
  EMPTY_FLAG_MASK,
  FAMILY_ID,
  FULL_SIZE_OR_REBUILD_FLAG_MASK,
  HASH_SET_COUNT_INT,
  HASH_SET_INT_ARR_START,
  HASH_SET_PREINTS,
  HIP_ACCUM_DOUBLE,
  HLL_BYTE_ARR_START,
  HLL_PREINTS,
  hllArrBytes,
  KEY_BITS_26,
  KEY_MASK_26,
  KXQ0_DOUBLE,
  KXQ1_DOUBLE,
  LG_AUX_ARR_INTS,
  LG_INIT_LIST_SIZE,
  LG_INIT_SET_SIZE,
  LIST_INT_ARR_START,
  LIST_PREINTS,
  MAX_LG_K,
  MIN_LG_K,
  MODE_HLL,
  MODE_LIST,
  MODE_SET,
  OUT_OF_ORDER_FLAG_MASK,
  RESIZE_DENOM,
  RESIZE_NUMER,
  SER_VER,
  TGT_HLL4,
  TGT_HLL6,
  TGT_HLL8,
} from "./HllPreamble.js"
import { checkHll4, checkHll68, checkKxq, explainValueOutOfRange } from "./HllRegisterChecks.js"
import { scanValues } from "./HllRegisterScan.js"

const MODE_NAMES = ["LIST", "SET", "HLL"]
const TYPE_NAMES = ["HLL_4", "HLL_6", "HLL_8"]
const MODE_PREINTS = [LIST_PREINTS, HASH_SET_PREINTS, HLL_PREINTS]

const fail = (reason: SketchErrorReason, message: string): SketchError =>
  new SketchError("HLL", reason, message)

/**
 * Throws Truncated/Oversized unless the image is exactly `expected` bytes long. `what` describes the
 * image (a function when the description costs something to build: it is only needed for the error).
 */
const checkLength = (bytes: Uint8Array, expected: number, what: string | (() => string)): void => {
  if (bytes.length === expected) return
  const described = typeof what === "string" ? what : what()
  if (bytes.length < expected) {
    throw fail("Truncated", `${described} needs ${expected} bytes but the input has ${bytes.length}`)
  }
  throw fail(
    "Oversized",
    `${described} is ${expected} bytes but the input has ${bytes.length} (trailing bytes)`,
  )
}

/** A coupon must carry a value 1..63 above its 26-bit address (`where` and `index` name it in the error). */
const checkCoupon = (coupon: number, index: number, where: string): void => {
  if (coupon >>> KEY_BITS_26 === 0)
    throw fail("Corrupt", `${where} ${index} holds an invalid coupon 0x${(coupon >>> 0).toString(16)}`)
}

/**
 * Reads an HLL image (compact or updatable; LIST, SET or HLL mode; HLL_4, HLL_6 or HLL_8) and checks it
 * fully — header, exact length, every coupon, the aux table against the registers, curMin and its count —
 * so that a sketch built from it can never read out of range or loop; throws `SketchError` otherwise.
 */
export const decodeHll = (bytes: Uint8Array): HllImpl => {
  const r = new ByteReader(bytes, "HLL")
  r.need(0, 8, "the 8-byte HLL preamble")
  const preInts = bytes[0]!
  const serVer = bytes[1]!
  const family = bytes[2]!
  const lgK = bytes[3]!
  const lgArr = bytes[4]!
  const flags = bytes[5]!
  const modeByte = bytes[7]!
  if (family !== FAMILY_ID) throw fail("BadFamily", `family id is ${family}, expected ${FAMILY_ID} (HLL)`)
  if (serVer !== SER_VER) throw fail("BadVersion", `serialization version is ${serVer}, expected ${SER_VER}`)
  const mode = modeByte & 3
  const tgt = (modeByte >>> 2) & 3
  if (mode > MODE_HLL)
    throw fail("BadPreamble", `mode byte 0x${modeByte.toString(16)} names no mode (LIST/SET/HLL)`)
  if (tgt > TGT_HLL8)
    throw fail("BadPreamble", `mode byte 0x${modeByte.toString(16)} names no target type (HLL_4/6/8)`)
  if (preInts !== MODE_PREINTS[mode]) {
    throw fail(
      "BadPreamble",
      `preInts is ${preInts} but ${MODE_NAMES[mode]} mode needs ${MODE_PREINTS[mode]}`,
    )
  }
  if (lgK < MIN_LG_K || lgK > MAX_LG_K) {
    throw fail("BadPreamble", `lgK is ${lgK}, must be between ${MIN_LG_K} and ${MAX_LG_K}`)
  }
  const compact = (flags & COMPACT_FLAG_MASK) !== 0
  const empty = (flags & EMPTY_FLAG_MASK) !== 0
  const ooo = (flags & OUT_OF_ORDER_FLAG_MASK) !== 0
  if (mode === MODE_LIST) return decodeList(r, lgK, tgt, compact, empty, ooo)
  if (mode === MODE_SET) return decodeSet(r, lgK, tgt, lgArr, compact, ooo)
  return decodeHllArray(r, lgK, tgt, lgArr, flags)
}

const decodeList = (
  r: ByteReader,
  lgK: number,
  tgt: number,
  compact: boolean,
  empty: boolean,
  ooo: boolean,
): CouponList => {
  const bytes = r.bytes
  const count = bytes[6]!
  const capacity = 1 << LG_INIT_LIST_SIZE
  if (count >= capacity) throw fail("Corrupt", `LIST count is ${count}, a list holds at most ${capacity - 1}`)
  const list = new CouponList(lgK, tgt, MODE_LIST)
  list.oooFlag = ooo
  if (empty) {
    if (count !== 0) throw fail("Corrupt", `the empty flag is set but the LIST count is ${count}`)
    // an empty image may stop after the preamble whatever its compact flag says
    if (bytes.length !== LIST_INT_ARR_START)
      checkLength(bytes, LIST_INT_ARR_START + (compact ? 0 : 4 * capacity), "an empty LIST image")
  } else {
    checkLength(
      bytes,
      LIST_INT_ARR_START + 4 * (compact ? count : capacity),
      () => `a ${compact ? "compact" : "updatable"} LIST image of ${count} coupons`,
    )
  }
  const stored = bytes.length === LIST_INT_ARR_START ? 0 : compact ? count : capacity
  const view = r.view // the length check above covers every slot read below
  for (let i = 0; i < stored; i++) {
    const coupon = view.getInt32(LIST_INT_ARR_START + 4 * i, true)
    if (i >= count) {
      if (coupon !== 0) throw fail("Corrupt", `LIST slot ${i} holds a coupon beyond the count ${count}`)
      continue
    }
    checkCoupon(coupon, i, "LIST slot")
    for (let j = 0; j < i; j++) {
      if (list.coupons[j] === coupon)
        throw fail("Corrupt", `LIST holds coupon 0x${(coupon >>> 0).toString(16)} twice`)
    }
    list.coupons[i] = coupon
  }
  list.couponCount = count
  return list
}

/**
 * The table a compact SET image's coupons make when inserted one at a time, as the reference does (the
 * table layout decides the image order): from 2^5 slots, doubled past 3/4 full, each doubling
 * re-inserting the old table in slot order — `CouponHashSet.couponUpdate` exactly, but in two kept
 * scratch tables, so that a decode allocates only the final table (a fresh typed array per doubling cost
 * more than the inserts). The caller checked the length and that the count stays below HLL size.
 */
const compactSetTable = (view: DataView, count: number, maxLgArr: number): Int32Array => {
  let lgArr = LG_INIT_SET_SIZE
  let table = setScratch.table(0, maxLgArr)
  let spare = setScratch.table(1, maxLgArr)
  table.fill(0, 0, 1 << lgArr)
  for (let i = 0; i < count; i++) {
    const coupon = view.getInt32(HASH_SET_INT_ARR_START + 4 * i, true)
    checkCoupon(coupon, i, "SET entry")
    const index = findCoupon(table, lgArr, coupon)
    if (index >= 0) throw fail("Corrupt", `SET holds coupon 0x${(coupon >>> 0).toString(16)} twice`)
    table[~index] = coupon
    if (RESIZE_DENOM * (i + 1) > RESIZE_NUMER * (1 << lgArr) && lgArr < maxLgArr) {
      const size = 1 << lgArr
      spare.fill(0, 0, 2 * size)
      for (let j = 0; j < size; j++) {
        const moved = table[j]!
        if (moved !== 0) spare[~findCoupon(spare, lgArr + 1, moved)] = moved
      }
      const grown = spare
      spare = table
      table = grown
      lgArr++
    }
  }
  return table.slice(0, 1 << lgArr)
}

/**
 * Two tables of 2^maxLgArr slots for `compactSetTable`, kept between decodes up to lgK 16 (2 × 32 kB);
 * `findCoupon` only reads the first 2^lgArr slots, so a smaller table lives at the start of a larger one.
 */
const setScratch = (() => {
  const KEEP_LG = 13
  const kept: Array<Int32Array> = [new Int32Array(0), new Int32Array(0)]
  return {
    table(which: 0 | 1, lgArr: number): Int32Array {
      const size = 1 << lgArr
      if (kept[which]!.length >= size) return kept[which]!
      const fresh = new Int32Array(size)
      if (lgArr <= KEEP_LG) kept[which] = fresh
      return fresh
    },
  }
})()

const decodeSet = (
  r: ByteReader,
  lgK: number,
  tgt: number,
  lgArrByte: number,
  compact: boolean,
  ooo: boolean,
): CouponHashSet => {
  const bytes = r.bytes
  if (lgK < 8) throw fail("BadPreamble", `SET mode needs lgK >= 8, got ${lgK}`)
  const count = r.u32(HASH_SET_COUNT_INT, "SET coupon count")
  const maxLgArr = lgK - 3
  if (RESIZE_DENOM * count > RESIZE_NUMER * (1 << maxLgArr)) {
    throw fail(
      "Corrupt",
      `SET count is ${count}, beyond the ${(RESIZE_NUMER << maxLgArr) / RESIZE_DENOM} a SET of lgK ${lgK} holds`,
    )
  }
  if (compact) {
    checkLength(bytes, HASH_SET_INT_ARR_START + 4 * count, () => `a compact SET image of ${count} coupons`)
    const set = new CouponHashSet(lgK, tgt, compactSetTable(r.view, count, maxLgArr))
    set.couponCount = count
    set.oooFlag = ooo
    return set
  }
  const lgArr = lgArrByte < LG_INIT_SET_SIZE ? computeLgArrInts(MODE_SET, count, lgK) : lgArrByte
  if (lgArr > maxLgArr)
    throw fail("Corrupt", `SET table size 2^${lgArr} exceeds the largest (2^${maxLgArr}) for lgK ${lgK}`)
  if (RESIZE_DENOM * count > RESIZE_NUMER * (1 << lgArr)) {
    throw fail("Corrupt", `SET count ${count} overfills a table of ${1 << lgArr} slots`)
  }
  checkLength(
    bytes,
    HASH_SET_INT_ARR_START + (4 << lgArr),
    () => `an updatable SET image with 2^${lgArr} slots`,
  )
  const table = r.i32Array(HASH_SET_INT_ARR_START, 1 << lgArr, "SET slots")
  let found = 0
  for (let i = 0; i < table.length; i++) {
    const coupon = table[i]!
    if (coupon === 0) continue
    checkCoupon(coupon, i, "SET slot")
    // every coupon must sit where the probe finds it (this also rules out duplicates)
    if (findCoupon(table, lgArr, coupon) !== i)
      throw fail("Corrupt", `SET slot ${i} is not where its coupon hashes to`)
    found++
  }
  if (found !== count) throw fail("Corrupt", `SET count says ${count} but the table holds ${found} coupons`)
  const set = new CouponHashSet(lgK, tgt, table)
  set.couponCount = count
  set.oooFlag = ooo
  return set
}

const decodeHllArray = (
  r: ByteReader,
  lgK: number,
  tgt: number,
  lgArrByte: number,
  flags: number,
): HllArray => {
  const bytes = r.bytes
  r.need(0, HLL_BYTE_ARR_START, "the 40-byte HLL preamble")
  const compact = (flags & COMPACT_FLAG_MASK) !== 0
  const ooo = (flags & OUT_OF_ORDER_FLAG_MASK) !== 0
  const k = 1 << lgK
  const curMin = bytes[6]!
  const hip = r.f64(HIP_ACCUM_DOUBLE, "HIP accumulator")
  const kxq0 = r.f64(KXQ0_DOUBLE, "kxq0")
  const kxq1 = r.f64(KXQ1_DOUBLE, "kxq1")
  const numAtCurMin = r.u32(CUR_MIN_COUNT_INT, "numAtCurMin")
  const auxCount = r.u32(AUX_COUNT_INT, "aux count")
  const typeName = TYPE_NAMES[tgt]!
  if (!ooo && !(Number.isFinite(hip) && hip >= 0))
    throw fail("Corrupt", `HIP accumulator ${hip} is not a finite count`)
  if (curMin > 63) throw fail("Corrupt", `curMin is ${curMin}, registers hold at most 63`)
  if (numAtCurMin > k) throw fail("Corrupt", `numAtCurMin is ${numAtCurMin}, beyond k = ${k}`)
  if (tgt !== TGT_HLL4 && auxCount !== 0)
    throw fail("Corrupt", `${typeName} has no aux table but aux count is ${auxCount}`)
  if (auxCount > k) throw fail("Corrupt", `aux count is ${auxCount}, beyond k = ${k}`)
  const arrBytes = hllArrBytes(tgt, lgK)
  let lgAux = 0
  let auxBytes = 0
  if (tgt === TGT_HLL4) {
    if (compact) {
      auxBytes = 4 * auxCount
    } else {
      lgAux = lgArrByte !== 0 ? lgArrByte : LG_AUX_ARR_INTS[lgK]!
      if (lgAux > lgK) throw fail("Corrupt", `aux table size 2^${lgAux} exceeds k = 2^${lgK}`)
      if (RESIZE_DENOM * auxCount > RESIZE_NUMER * (1 << lgAux)) {
        throw fail("Corrupt", `aux count ${auxCount} overfills an aux table of ${1 << lgAux} entries`)
      }
      auxBytes = 4 << lgAux
    }
  }
  checkLength(
    bytes,
    HLL_BYTE_ARR_START + arrBytes + auxBytes,
    () =>
      `a ${compact ? "compact" : "updatable"} ${typeName} HLL image of lgK ${lgK}${auxCount > 0 ? ` with ${auxCount} aux entries` : ""}`,
  )
  // HLL_4 registers are copied into 32-bit words, which the validating scan reads eight nibbles at a time
  const words = tgt === TGT_HLL4 ? new Uint32Array(arrBytes >>> 2) : undefined
  const registers = words === undefined ? new Uint8Array(arrBytes) : new Uint8Array(words.buffer)
  registers.set(bytes.subarray(HLL_BYTE_ARR_START, HLL_BYTE_ARR_START + arrBytes))
  const hll: HllArray =
    tgt === TGT_HLL4
      ? new Hll4Array(lgK, registers)
      : tgt === TGT_HLL6
        ? new Hll6Array(lgK, registers)
        : new Hll8Array(lgK, registers)
  hll.oooFlag = ooo
  hll.hipAccum = ooo ? 0 : hip
  hll.kxq0 = kxq0
  hll.kxq1 = kxq1
  hll.curMin = curMin
  hll.numAtCurMin = numAtCurMin
  let inverseSum: number
  if (tgt === TGT_HLL4) {
    const auxStart = HLL_BYTE_ARR_START + arrBytes
    const aux = compact
      ? readCompactAux(r, auxStart, lgK, auxCount)
      : readUpdatableAux(r, auxStart, lgK, lgAux, auxCount)
    inverseSum = checkHll4(hll as Hll4Array, words!, aux)
    ;(hll as Hll4Array).auxHashMap = aux
  } else {
    const values = tgt === TGT_HLL8 ? registers : registerValues(hll)
    const scan = scanValues(values, k)
    if (scan.max > 63) explainValueOutOfRange(values, typeName)
    inverseSum = scan.inverseSum
    if (tgt === TGT_HLL8 && (flags & FULL_SIZE_OR_REBUILD_FLAG_MASK) !== 0) {
      // a serialized Java union gadget: its curMin, numAtCurMin and kxq are stale by design
      hll.rebuildKxqCurMin = true
      hll.checkRebuildKxqCurMin()
    } else {
      checkHll68(hll, scan)
    }
  }
  checkKxq(hll, inverseSum)
  return hll
}

const auxEntryCheck = (entry: number, lgK: number, index: number, where: string): void => {
  if ((entry & KEY_MASK_26) >= 1 << lgK)
    throw fail("Corrupt", `${where} ${index} names slot ${entry & KEY_MASK_26}, beyond k`)
  if (entry >>> KEY_BITS_26 === 0) throw fail("Corrupt", `${where} ${index} holds value 0`)
}

const readCompactAux = (r: ByteReader, start: number, lgK: number, auxCount: number): AuxHashMap | null => {
  if (auxCount === 0) return null
  const aux = new AuxHashMap(lgK, computeLgArrInts(MODE_HLL, auxCount, lgK))
  const view = r.view // the image length was checked against the aux count
  for (let i = 0; i < auxCount; i++) {
    const entry = view.getInt32(start + 4 * i, true)
    auxEntryCheck(entry, lgK, i, "aux entry")
    const slot = entry & KEY_MASK_26
    if (aux.find(slot) >= 0) throw fail("Corrupt", `aux table holds slot ${slot} twice`)
    aux.mustAdd(slot, entry >>> KEY_BITS_26)
  }
  return aux
}

const readUpdatableAux = (
  r: ByteReader,
  start: number,
  lgK: number,
  lgAux: number,
  auxCount: number,
): AuxHashMap | null => {
  const entries = r.i32Array(start, 1 << lgAux, "aux slots")
  let found = 0
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!
    if (entry === 0) continue
    auxEntryCheck(entry, lgK, i, "aux slot")
    if (findIn(entries, lgAux, lgK, entry & KEY_MASK_26) !== i) {
      throw fail("Corrupt", `aux slot ${i} is not where its register number hashes to`)
    }
    found++
  }
  if (found !== auxCount) throw fail("Corrupt", `aux count says ${auxCount} but the aux table holds ${found}`)
  if (auxCount === 0) return null
  const aux = new AuxHashMap(lgK, lgAux, entries)
  aux.auxCount = auxCount
  return aux
}
