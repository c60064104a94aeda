/**
 * How an HLL sketch stores its registers once in HLL mode: 4, 6 or 8 bits each. HLL_4 is the smallest
 * (whylogs uses it); HLL_8 is the fastest to merge and is what a union works in.
 */
export type HllTargetType = "HLL_4" | "HLL_6" | "HLL_8"

/**
 * The current representation: LIST (up to 7 coupons), SET (a coupon hash set, lgK ≥ 8) or HLL
 * (the register array). Small sketches stay exact-ish and tiny; a sketch only grows into HLL as needed.
 */
export type HllMode = "LIST" | "SET" | "HLL"

/** The target types in mode-byte order (bits 2-3 of byte 7 of an image). */
export const HLL_TARGET_TYPES: ReadonlyArray<HllTargetType> = ["HLL_4", "HLL_6", "HLL_8"]

/** The modes in mode-byte order (bits 0-1 of byte 7 of an image). */
export const HLL_MODES: ReadonlyArray<HllMode> = ["LIST", "SET", "HLL"]
