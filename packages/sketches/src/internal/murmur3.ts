/**
 * MurmurHash3 x64 128 (Austin Appleby, public domain) in 32-bit arithmetic, allocation-free.
 *
 * A 64-bit lane is carried as two int32 halves (hi, lo). Results go into a caller-owned `Int32Array`
 * of length 4 in little-endian word order: `[h1.lo, h1.hi, h2.lo, h2.hi]`, so the 16 bytes under that
 * array on a little-endian machine are the digest as the reference C code lays it out.
 */

// c1 = 0x87c37b91114253d5, c2 = 0x4cf5ad432745937f, split into 32-bit halves and the low half into 16-bit
// limbs (the 64×64 multiply needs the exact high word of lo×lo, which doubles cannot hold in one step).
const C1_HI = 0x87c37b91 | 0
const C1_LO = 0x114253d5
const C2_HI = 0x4cf5ad43
const C2_LO = 0x2745937f
// fmix64 constants 0xff51afd7ed558ccd and 0xc4ceb9fe1a85ec53.
const F1_HI = 0xff51afd7 | 0
const F1_LO = 0xed558ccd | 0
const F2_HI = 0xc4ceb9fe | 0
const F2_LO = 0x1a85ec53

const TWO_32 = 4294967296

/** High word of the last `mul64` (kept in a module slot so the helper can return two words). */
let mulHi = 0

/** Low 64 bits of (ah:al) × (bh:bl); returns the low word, leaves the high word in `mulHi`. */
const mul64 = (ah: number, al: number, bh: number, bl: number): number => {
  const a0 = al & 0xffff
  const a1 = al >>> 16
  const b0 = bl & 0xffff
  const b1 = bl >>> 16
  // high word of the unsigned 32×32 product al×bl, from 16-bit limbs (every partial sum stays below 2^53)
  const mid = a1 * b0 + a0 * b1 + ((a0 * b0) >>> 16)
  const carry = a1 * b1 + Math.floor(mid / 65536)
  mulHi = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) | 0
  return Math.imul(al, bl)
}

/** State of one hash in flight: the two lanes, as int32 halves. */
let h1h = 0
let h1l = 0
let h2h = 0
let h2l = 0

/** Mixes the first 8-byte word of a block (or tail) into h1: k1 *= c1; k1 = rotl(k1, 31); k1 *= c2; h1 ^= k1. */
const mixK1 = (kh: number, kl: number): void => {
  let lo = mul64(kh, kl, C1_HI, C1_LO)
  let hi = mulHi
  // rotl 31
  const rh = (hi << 31) | (lo >>> 1)
  const rl = (lo << 31) | (hi >>> 1)
  lo = mul64(rh, rl, C2_HI, C2_LO)
  hi = mulHi
  h1h ^= hi
  h1l ^= lo
}

/** Mixes the second 8-byte word into h2: k2 *= c2; k2 = rotl(k2, 33); k2 *= c1; h2 ^= k2. */
const mixK2 = (kh: number, kl: number): void => {
  let lo = mul64(kh, kl, C2_HI, C2_LO)
  let hi = mulHi
  // rotl 33 = swap halves, then rotl 1
  const rh = (lo << 1) | (hi >>> 31)
  const rl = (hi << 1) | (lo >>> 31)
  lo = mul64(rh, rl, C1_HI, C1_LO)
  hi = mulHi
  h2h ^= hi
  h2l ^= lo
}

/** The per-block lane rounds: h1 = rotl(h1,27) + h2, h1 = h1*5 + 0x52dce729; then the same for h2. */
const roundH1 = (): void => {
  const rh = (h1h << 27) | (h1l >>> 5)
  const rl = (h1l << 27) | (h1h >>> 5)
  let s = (rl >>> 0) + (h2l >>> 0)
  const hi = (rh + h2h + (s >= TWO_32 ? 1 : 0)) | 0
  const lo = s >>> 0
  s = lo * 5 + 0x52dce729
  h1l = s | 0
  h1h = (Math.imul(hi, 5) + Math.floor(s / TWO_32)) | 0
}

const roundH2 = (): void => {
  const rh = (h2h << 31) | (h2l >>> 1)
  const rl = (h2l << 31) | (h2h >>> 1)
  let s = (rl >>> 0) + (h1l >>> 0)
  const hi = (rh + h1h + (s >= TWO_32 ? 1 : 0)) | 0
  const lo = s >>> 0
  s = lo * 5 + 0x38495ab5
  h2l = s | 0
  h2h = (Math.imul(hi, 5) + Math.floor(s / TWO_32)) | 0
}

/** fmix64 on (hi, lo); returns lo and leaves hi in `mulHi`. */
const fmix64 = (hi: number, lo: number): number => {
  lo ^= hi >>> 1
  lo = mul64(hi, lo, F1_HI, F1_LO)
  hi = mulHi
  lo ^= hi >>> 1
  lo = mul64(hi, lo, F2_HI, F2_LO)
  hi = mulHi
  lo ^= hi >>> 1
  mulHi = hi
  return lo
}

/** Final avalanche shared by every entry point; writes the digest words into `out`. */
const finish = (length: number, out: Int32Array): void => {
  // h1 ^= len; h2 ^= len (len < 2^32 here: a Uint8Array cannot be longer on 64-bit V8 in practice,
  // and the high word of the length is folded in for completeness)
  const lenHi = Math.floor(length / TWO_32) | 0
  h1l ^= length | 0
  h1h ^= lenHi
  h2l ^= length | 0
  h2h ^= lenHi
  // h1 += h2; h2 += h1
  let s = (h1l >>> 0) + (h2l >>> 0)
  h1h = (h1h + h2h + (s >= TWO_32 ? 1 : 0)) | 0
  h1l = s | 0
  s = (h2l >>> 0) + (h1l >>> 0)
  h2h = (h2h + h1h + (s >= TWO_32 ? 1 : 0)) | 0
  h2l = s | 0
  h1l = fmix64(h1h, h1l)
  h1h = mulHi
  h2l = fmix64(h2h, h2l)
  h2h = mulHi
  s = (h1l >>> 0) + (h2l >>> 0)
  h1h = (h1h + h2h + (s >= TWO_32 ? 1 : 0)) | 0
  h1l = s | 0
  s = (h2l >>> 0) + (h1l >>> 0)
  h2h = (h2h + h1h + (s >= TWO_32 ? 1 : 0)) | 0
  h2l = s | 0
  out[0] = h1l
  out[1] = h1h
  out[2] = h2l
  out[3] = h2h
}

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
  h1h = seedHi | 0
  h1l = seedLo | 0
  h2h = h1h
  h2l = h1l
  const end = offset + length
  const bodyEnd = offset + (length & ~15)
  let i = offset
  for (; i < bodyEnd; i += 16) {
    mixK1(word(bytes, i + 4), word(bytes, i))
    roundH1()
    mixK2(word(bytes, i + 12), word(bytes, i + 8))
    roundH2()
  }
  const rem = end - i
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
    if (rem > 8) mixK2(k2h, k2l)
    mixK1(k1h, k1l)
  }
  finish(length, out)
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
  h1h = seedHi | 0
  h1l = seedLo | 0
  h2h = h1h
  h2l = h1l
  mixK1(wordHi, wordLo)
  finish(8, out)
}
