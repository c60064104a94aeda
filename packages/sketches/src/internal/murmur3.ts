/**
 * MurmurHash3 x64 128 (Austin Appleby, public domain) in 32-bit arithmetic, allocation-free.
 *
 * A 64-bit lane is carried as two int32 halves (hi, lo) in local variables: the helpers below are pure
 * functions of their arguments, so the JIT keeps the whole hash in registers (module-level state made
 * it ~1.7× slower). Results go into a caller-owned `Int32Array` of length 4 in little-endian word order,
 * `[h1.lo, h1.hi, h2.lo, h2.hi]`: on a little-endian machine the 16 bytes under it are the digest as the
 * reference C code lays it out.
 */

// c1 = 0x87c37b91114253d5, c2 = 0x4cf5ad432745937f, and the fmix64 constants 0xff51afd7ed558ccd and
// 0xc4ceb9fe1a85ec53, as 32-bit halves.
const C1_HI = 0x87c37b91 | 0
const C1_LO = 0x114253d5
const C2_HI = 0x4cf5ad43
const C2_LO = 0x2745937f
const F1_HI = 0xff51afd7 | 0
const F1_LO = 0xed558ccd | 0
const F2_HI = 0xc4ceb9fe | 0
const F2_LO = 0x1a85ec53

const TWO_32 = 4294967296

/**
 * High word of the low 64 bits of (ah:al) × (bh:bl); the low word is `Math.imul(al, bl)`. The high word
 * of the unsigned al × bl comes from 16-bit limbs, every partial sum staying below 2^32.
 */
const mulHi = (ah: number, al: number, bh: number, bl: number): number => {
  const a0 = al & 0xffff
  const a1 = al >>> 16
  const b0 = bl & 0xffff
  const b1 = bl >>> 16
  const t1 = a1 * b0 + ((a0 * b0) >>> 16)
  const t2 = a0 * b1 + (t1 & 0xffff)
  return (a1 * b1 + (t1 >>> 16) + (t2 >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh)) | 0
}

/** The carry out of adding two low words. */
const carry = (al: number, bl: number): number => ((al >>> 0) + (bl >>> 0) > 0xffffffff ? 1 : 0)

const word = (b: Uint8Array, i: number): number =>
  b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)

/**
 * Hashes `length` bytes of `bytes` starting at `offset` with the 64-bit seed `seedHi:seedLo`
 * (both lanes start at the seed). Writes `[h1.lo, h1.hi, h2.lo, h2.hi]` into `out`. No allocation.
 */
export const murmur3x64_128Into = (
  bytes: Uint8Array,
  offset: number,
  length: number,
  seedHi: number,
  seedLo: number,
  out: Int32Array,
): void => {
  let h1h = seedHi | 0
  let h1l = seedLo | 0
  let h2h = h1h
  let h2l = h1l
  let kh = 0
  let kl = 0
  let rh = 0
  let rl = 0
  let s = 0
  const bodyEnd = offset + (length & ~15)
  let i = offset
  for (; i < bodyEnd; i += 16) {
    // k1 *= c1; k1 = rotl(k1, 31); k1 *= c2; h1 ^= k1
    kl = word(bytes, i)
    kh = word(bytes, i + 4)
    rh = mulHi(kh, kl, C1_HI, C1_LO)
    rl = Math.imul(kl, C1_LO)
    kh = (rh << 31) | (rl >>> 1)
    kl = (rl << 31) | (rh >>> 1)
    h1h ^= mulHi(kh, kl, C2_HI, C2_LO)
    h1l ^= Math.imul(kl, C2_LO)
    // h1 = rotl(h1, 27) + h2; h1 = h1 * 5 + 0x52dce729
    rh = (h1h << 27) | (h1l >>> 5)
    rl = (h1l << 27) | (h1h >>> 5)
    h1h = (rh + h2h + carry(rl, h2l)) | 0
    s = ((rl + h2l) >>> 0) * 5 + 0x52dce729
    h1h = (Math.imul(h1h, 5) + Math.floor(s / TWO_32)) | 0
    h1l = s | 0
    // k2 *= c2; k2 = rotl(k2, 33); k2 *= c1; h2 ^= k2
    kl = word(bytes, i + 8)
    kh = word(bytes, i + 12)
    rh = mulHi(kh, kl, C2_HI, C2_LO)
    rl = Math.imul(kl, C2_LO)
    kh = (rl << 1) | (rh >>> 31)
    kl = (rh << 1) | (rl >>> 31)
    h2h ^= mulHi(kh, kl, C1_HI, C1_LO)
    h2l ^= Math.imul(kl, C1_LO)
    // h2 = rotl(h2, 31) + h1; h2 = h2 * 5 + 0x38495ab5
    rh = (h2h << 31) | (h2l >>> 1)
    rl = (h2l << 31) | (h2h >>> 1)
    h2h = (rh + h1h + carry(rl, h1l)) | 0
    s = ((rl + h1l) >>> 0) * 5 + 0x38495ab5
    h2h = (Math.imul(h2h, 5) + Math.floor(s / TWO_32)) | 0
    h2l = s | 0
  }
  const rem = offset + length - i
  if (rem > 0) {
    let k1l = 0
    let k1h = 0
    let k2l = 0
    let k2h = 0
    for (let j = 0; j < rem; j++) {
      const b = bytes[i + j]!
      if (j < 4) k1l |= b << (j << 3)
      else if (j < 8) k1h |= b << ((j - 4) << 3)
      else if (j < 12) k2l |= b << ((j - 8) << 3)
      else k2h |= b << ((j - 12) << 3)
    }
    if (rem > 8) {
      rh = mulHi(k2h, k2l, C2_HI, C2_LO)
      rl = Math.imul(k2l, C2_LO)
      kh = (rl << 1) | (rh >>> 31)
      kl = (rh << 1) | (rl >>> 31)
      h2h ^= mulHi(kh, kl, C1_HI, C1_LO)
      h2l ^= Math.imul(kl, C1_LO)
    }
    rh = mulHi(k1h, k1l, C1_HI, C1_LO)
    rl = Math.imul(k1l, C1_LO)
    kh = (rh << 31) | (rl >>> 1)
    kl = (rl << 31) | (rh >>> 1)
    h1h ^= mulHi(kh, kl, C2_HI, C2_LO)
    h1l ^= Math.imul(kl, C2_LO)
  }
  finish(h1h, h1l, h2h, h2l, length, out)
}

/**
 * Hashes one 8-byte little-endian word given as its int32 halves (an int64 or the bits of a double),
 * exactly as `murmur3x64_128Into` would hash those 8 bytes, without touching memory. No allocation.
 */
export const murmur3x64_128WordInto = (
  wordHi: number,
  wordLo: number,
  seedHi: number,
  seedLo: number,
  out: Int32Array,
): void => {
  const rh = mulHi(wordHi, wordLo, C1_HI, C1_LO)
  const rl = Math.imul(wordLo, C1_LO)
  const kh = (rh << 31) | (rl >>> 1)
  const kl = (rl << 31) | (rh >>> 1)
  finish(
    (seedHi ^ mulHi(kh, kl, C2_HI, C2_LO)) | 0,
    (seedLo ^ Math.imul(kl, C2_LO)) | 0,
    seedHi | 0,
    seedLo | 0,
    8,
    out,
  )
}

/** The finalization shared by both entry points: length, cross-adds, fmix64 of each lane, cross-adds. */
const finish = (
  h1h: number,
  h1l: number,
  h2h: number,
  h2l: number,
  length: number,
  out: Int32Array,
): void => {
  // h1 ^= len; h2 ^= len (the high word of a length is 0 for any array this runs on, but kept exact)
  const lenHi = Math.floor(length / TWO_32) | 0
  h1h ^= lenHi
  h1l ^= length | 0
  h2h ^= lenHi
  h2l ^= length | 0
  // h1 += h2; h2 += h1
  h1h = (h1h + h2h + carry(h1l, h2l)) | 0
  h1l = (h1l + h2l) | 0
  h2h = (h2h + h1h + carry(h2l, h1l)) | 0
  h2l = (h2l + h1l) | 0
  // fmix64(h1): k ^= k >>> 33; k *= f1; k ^= k >>> 33; k *= f2; k ^= k >>> 33
  let t = 0
  h1l ^= h1h >>> 1
  t = mulHi(h1h, h1l, F1_HI, F1_LO)
  h1l = Math.imul(h1l, F1_LO)
  h1h = t
  h1l ^= h1h >>> 1
  t = mulHi(h1h, h1l, F2_HI, F2_LO)
  h1l = Math.imul(h1l, F2_LO)
  h1h = t
  h1l ^= h1h >>> 1
  // fmix64(h2)
  h2l ^= h2h >>> 1
  t = mulHi(h2h, h2l, F1_HI, F1_LO)
  h2l = Math.imul(h2l, F1_LO)
  h2h = t
  h2l ^= h2h >>> 1
  t = mulHi(h2h, h2l, F2_HI, F2_LO)
  h2l = Math.imul(h2l, F2_LO)
  h2h = t
  h2l ^= h2h >>> 1
  // h1 += h2; h2 += h1
  h1h = (h1h + h2h + carry(h1l, h2l)) | 0
  h1l = (h1l + h2l) | 0
  h2h = (h2h + h1h + carry(h2l, h1l)) | 0
  h2l = (h2l + h1l) | 0
  out[0] = h1l
  out[1] = h1h
  out[2] = h2l
  out[3] = h2h
}
