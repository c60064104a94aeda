/**
 * The HLL serialization layout (Apache DataSketches, serVer 1, family 7): byte offsets, flag bits,
 * preamble sizes and the array sizes derived from lgK. Every multi-byte field is little-endian.
 */

export const SER_VER = 1
export const FAMILY_ID = 7

export const PREAMBLE_INTS_BYTE = 0
export const SER_VER_BYTE = 1
export const FAMILY_BYTE = 2
export const LG_K_BYTE = 3
export const LG_ARR_BYTE = 4
export const FLAGS_BYTE = 5
export const LIST_COUNT_BYTE = 6
export const HLL_CUR_MIN_BYTE = 6
/** Low 2 bits: current mode; next 2 bits: target type. */
export const MODE_BYTE = 7

export const EMPTY_FLAG_MASK = 4
export const COMPACT_FLAG_MASK = 8
export const OUT_OF_ORDER_FLAG_MASK = 16
/** C++: "started full size"; Java: "rebuild curMin, numAtCurMin and KxQ" (a serialized union gadget). */
export const FULL_SIZE_OR_REBUILD_FLAG_MASK = 32

export const LIST_PREINTS = 2
export const LIST_INT_ARR_START = 8
export const HASH_SET_PREINTS = 3
export const HASH_SET_COUNT_INT = 8
export const HASH_SET_INT_ARR_START = 12
export const HLL_PREINTS = 10
export const HIP_ACCUM_DOUBLE = 8
export const KXQ0_DOUBLE = 16
export const KXQ1_DOUBLE = 24
export const CUR_MIN_COUNT_INT = 32
export const AUX_COUNT_INT = 36
export const HLL_BYTE_ARR_START = 40

export const MIN_LG_K = 4
export const MAX_LG_K = 21

export const KEY_BITS_26 = 26
export const KEY_MASK_26 = (1 << KEY_BITS_26) - 1
export const VAL_MASK_6 = 0x3f
/** The empty slot of coupon lists, sets and aux maps: a coupon always has a value ≥ 1, so is never 0. */
export const EMPTY = 0
export const AUX_TOKEN = 15

export const LG_INIT_LIST_SIZE = 3
export const LG_INIT_SET_SIZE = 5
export const RESIZE_NUMER = 3
export const RESIZE_DENOM = 4

/** Current modes, as encoded in the low 2 bits of the mode byte. */
export const MODE_LIST = 0
export const MODE_SET = 1
export const MODE_HLL = 2

/** Target types, as encoded in bits 2-3 of the mode byte. */
export const TGT_HLL4 = 0
export const TGT_HLL6 = 1
export const TGT_HLL8 = 2

/** log2 of the initial aux hash map size (in ints) for each lgK (only 4..21 are used). */
export const LG_AUX_ARR_INTS: ReadonlyArray<number> = [
  0, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
]

/** Bytes of the register array of a target type. */
export const hllArrBytes = (tgtType: number, lgK: number): number => {
  if (tgtType === TGT_HLL4) return 1 << (lgK - 1)
  if (tgtType === TGT_HLL6) return (((1 << lgK) * 3) >>> 2) + 1
  return 1 << lgK
}

/** log2 of the smallest power of two ≥ n. */
const lgCeilingPowerOf2 = (n: number): number => {
  let lg = 0
  while (2 ** lg < n) lg++
  return lg
}

/**
 * The table size a SET (or the HLL_4 aux map) of `count` entries would have: compact images do not
 * keep it, so readers recompute it the way DataSketches does.
 */
export const computeLgArrInts = (mode: number, count: number, lgK: number): number => {
  if (mode === MODE_LIST) return LG_INIT_LIST_SIZE
  let lg = lgCeilingPowerOf2(count)
  if (RESIZE_DENOM * count > RESIZE_NUMER * 2 ** lg) lg++
  if (mode === MODE_SET) return Math.max(LG_INIT_SET_SIZE, lg)
  return Math.max(LG_AUX_ARR_INTS[lgK]!, lg)
}
