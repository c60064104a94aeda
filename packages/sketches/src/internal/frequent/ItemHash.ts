/**
 * How items find their slot in the reverse-purge hash map. We hash exactly as Apache DataSketches
 * Java does (a string's `hashCode()`, sign-extended to 64 bits, or the long itself, then the MurmurHash3
 * 64-bit finalizer), so our tables have the same layout as Java's and our bytes equal Java's bytes.
 * Everything runs on 32-bit halves with `Math.imul`: no BigInt and no allocation per update.
 */

// MurmurHash3 fmix64 constants 0xff51afd7ed558ccd and 0xc4ceb9fe1a85ec53, split into 32-bit halves.
const C1_HI = 0xff51afd7 | 0
const C1_LO = 0xed558ccd | 0
const C2_HI = 0xc4ceb9fe | 0
const C2_LO = 0x1a85ec53 | 0

/** High 32 bits of the unsigned 64-bit product of two 32-bit words (Hacker's Delight `mulhu`). */
const mulHigh32 = (a: number, b: number): number => {
  const a0 = a & 0xffff
  const a1 = a >>> 16
  const b0 = b & 0xffff
  const b1 = b >>> 16
  // Every partial sum stays below 2^32, so the doubles are exact and `>>>` never wraps.
  const t0 = a0 * b0
  const t1 = a1 * b0 + (t0 >>> 16)
  const t2 = a0 * b1 + (t1 & 0xffff)
  return (a1 * b1 + (t1 >>> 16) + (t2 >>> 16)) | 0
}

/**
 * The low 32 bits of MurmurHash3's `fmix64` applied to the 64-bit value `hi:lo` (two int32 halves).
 * The map only ever uses low bits (`& mask`), like Java's `(int) hash(key) & mask`.
 */
export const fmix64Low32 = (hi: number, lo: number): number => {
  // k ^= k >>> 33
  lo ^= hi >>> 1
  // k *= C1 (mod 2^64)
  let nhi = (mulHigh32(lo, C1_LO) + Math.imul(lo, C1_HI) + Math.imul(hi, C1_LO)) | 0
  lo = Math.imul(lo, C1_LO)
  hi = nhi
  lo ^= hi >>> 1
  nhi = (mulHigh32(lo, C2_LO) + Math.imul(lo, C2_HI) + Math.imul(hi, C2_LO)) | 0
  lo = Math.imul(lo, C2_LO)
  return lo ^ (nhi >>> 1)
}

/** Java's `String.hashCode()`: `s[0]·31^(n-1) + … + s[n-1]` over UTF-16 code units, as an int32. */
export const javaStringHashCode = (s: string): number => {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

/** Slot hash of a string item: `fmix64(hashCode())` with the int hash code sign-extended to a long. */
export const stringItemHash = (s: string): number => {
  const h = javaStringHashCode(s)
  return fmix64Low32(h >> 31, h)
}
