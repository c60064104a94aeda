import { INVERSE_POWERS_OF_2 } from "./HllArray.js"
import { AUX_TOKEN } from "./HllPreamble.js"

/**
 * One pass over a decoded register array that gathers everything the decoder checks the header against,
 * so validating an image costs a single walk over its registers.
 */

/** What one HLL_4 pass finds: nibbles at 0 (registers at curMin), aux tokens, and Σ 2^-nibble of the rest. */
export interface Hll4Scan {
  readonly zeros: number
  readonly tokens: number
  /** Σ 2^-nibble over the registers that are not aux tokens (exact: summed as integers in units of 2^-14). */
  readonly inverseSum: number
}

/** What one pass over HLL_6/8 register values finds. */
export interface ValueScan {
  readonly zeros: number
  readonly min: number
  readonly atMin: number
  readonly max: number
  /** Σ 2^-value (meaningless when max > 63). */
  readonly inverseSum: number
}

// Per register byte of an HLL_4 array (two nibbles), packed into one integer so that a word's four bytes
// cost four lookups and two adds: bits 0-17 Σ 2^(14 − nibble) over the nibbles that are not the aux
// token (at most 2^16 per byte, 2^18 per word), bits 18-21 the nibbles at 0, bits 22-25 the tokens.
const BYTE_SUMS = new Int32Array(256)
for (let b = 0; b < 256; b++) {
  let sums = 0
  for (const nibble of [b & 0x0f, b >>> 4]) {
    if (nibble === AUX_TOKEN) sums += 1 << 22
    else sums += 1 << (14 - nibble)
    if (nibble === 0) sums += 1 << 18
  }
  BYTE_SUMS[b] = sums
}

/**
 * Scans the packed nibbles of an HLL_4 array, given as 32-bit words (the byte order does not matter
 * for sums): one table lookup per byte, the three sums split per word.
 */
export const scanHll4 = (words: Uint32Array): Hll4Scan => {
  const sums = BYTE_SUMS
  let zeros = 0
  let tokens = 0
  let weights = 0
  for (let i = 0; i < words.length; i++) {
    const x = words[i]!
    const s = sums[x & 0xff]! + sums[(x >>> 8) & 0xff]! + sums[(x >>> 16) & 0xff]! + sums[x >>> 24]!
    // (literals, not module constants, keep this loop free of context loads)
    weights += s & 0x3ffff
    zeros += (s >>> 18) & 0xf
    tokens += s >>> 22
  }
  return { zeros, tokens, inverseSum: weights * 2 ** -14 }
}

/** Scans unpacked register values (HLL_8 bytes, or HLL_6 registers unpacked). */
export const scanValues = (values: Uint8Array, k: number): ValueScan => {
  let zeros = 0
  let min = 64
  let atMin = 0
  let max = 0
  let inverseSum = 0
  for (let i = 0; i < k; i++) {
    const v = values[i]!
    if (v > max) max = v
    if (v === 0) zeros++
    if (v < min) {
      min = v
      atMin = 1
    } else if (v === min) {
      atMin++
    }
    // (the caller rejects max > 63 before using the sum; the mask only keeps the read in range)
    inverseSum += INVERSE_POWERS_OF_2[v & 63]!
  }
  return { zeros, min, atMin, max, inverseSum }
}
