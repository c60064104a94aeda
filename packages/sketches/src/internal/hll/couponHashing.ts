import { SketchError } from "../../SketchError.js"
import { murmur3x64_128Into, murmur3x64_128WordInto } from "../murmur3.js"
import { KEY_BITS_26, KEY_MASK_26 } from "./HllPreamble.js"

/**
 * Items → coupons, allocation-free. An item is hashed as DataSketches hashes it (MurmurHash3 x64 128,
 * seed 9001) over its canonical bytes: strings as UTF-8, integers as int64 LE, doubles as f64 LE with
 * -0.0 → 0.0 and every NaN → 0x7ff8000000000000. The coupon is `(min(nlz64(h2), 62) + 1) << 26 |
 * (h1 & 0x3FFFFFF)`; 0 means "nothing to add" (an empty string or byte array).
 */

const SEED_HI = 0
const SEED_LO = 9001
const TWO_32 = 4294967296
const TWO_63 = 2 ** 63

const hash = new Int32Array(4)

const couponOfHash = (): number => {
  const h2hi = hash[3]!
  const lz = h2hi !== 0 ? Math.clz32(h2hi) : 32 + Math.clz32(hash[2]!)
  return ((lz > 62 ? 63 : lz + 1) << KEY_BITS_26) | (hash[0]! & KEY_MASK_26)
}

/** The coupon of an int64 given as a JS number (any integer in [-2^63, 2^63)). */
export const couponOfInt64Number = (value: number): number => {
  if (value !== Math.trunc(value) || value < -TWO_63 || value >= TWO_63) {
    throw new SketchError(
      "HLL",
      "BadParameter",
      `updateInt64 needs an integer in the int64 range, got ${value}`,
    )
  }
  // exact for every integral double: ToUint32/ToInt32 take the value modulo 2^32
  murmur3x64_128WordInto(Math.floor(value / TWO_32) | 0, value | 0, SEED_HI, SEED_LO, hash)
  return couponOfHash()
}

/** The coupon of an int64 given as a bigint (taken modulo 2^64, so unsigned 64-bit values work too). */
export const couponOfInt64BigInt = (value: bigint): number => {
  if (value < -(1n << 63n) || value >= 1n << 64n) {
    throw new SketchError("HLL", "BadParameter", `updateInt64 needs a 64-bit integer, got ${value}`)
  }
  const u = BigInt.asUintN(64, value)
  murmur3x64_128WordInto(Number(u >> 32n) | 0, Number(u & 0xffffffffn) | 0, SEED_HI, SEED_LO, hash)
  return couponOfHash()
}

const f64 = new Float64Array(1)
const f64Words = new Int32Array(f64.buffer)
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1
const LO = LITTLE_ENDIAN ? 0 : 1
const HI = LITTLE_ENDIAN ? 1 : 0

/** The coupon of a double (canonical -0.0 and NaN, as DataSketches and Java's doubleToLongBits). */
export const couponOfDouble = (value: number): number => {
  if (Number.isNaN(value)) {
    murmur3x64_128WordInto(0x7ff80000, 0, SEED_HI, SEED_LO, hash)
  } else {
    f64[0] = value === 0 ? 0 : value
    murmur3x64_128WordInto(f64Words[HI]!, f64Words[LO]!, SEED_HI, SEED_LO, hash)
  }
  return couponOfHash()
}

/** The coupon of a byte string; 0 for an empty one (ignored, like an empty string). */
export const couponOfBytes = (bytes: Uint8Array): number => {
  if (bytes.length === 0) return 0
  murmur3x64_128Into(bytes, 0, bytes.length, SEED_HI, SEED_LO, hash)
  return couponOfHash()
}

/** Reused UTF-8 buffer: 3 bytes per UTF-16 unit always suffice (a surrogate pair needs 4 for 2 units). */
let utf8 = new Uint8Array(256)
const encoder = new TextEncoder()
/** Above this many UTF-16 units the native encoder beats the JavaScript loop. */
const NATIVE_ENCODE_MIN = 64

/** Writes `s` as UTF-8 into the reused buffer (lone surrogates → U+FFFD, like TextEncoder); returns the length. */
const encodeUtf8 = (s: string): number => {
  const units = s.length
  if (utf8.length < units * 3) utf8 = new Uint8Array(Math.max(units * 3, utf8.length * 2))
  if (units >= NATIVE_ENCODE_MIN) return encoder.encodeInto(s, utf8).written
  const buf = utf8
  let n = 0
  for (let i = 0; i < units; i++) {
    let c = s.charCodeAt(i)
    if (c < 0x80) {
      buf[n++] = c
    } else if (c < 0x800) {
      buf[n++] = 0xc0 | (c >>> 6)
      buf[n++] = 0x80 | (c & 0x3f)
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < units ? s.charCodeAt(i + 1) : 0
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
        i++
        buf[n++] = 0xf0 | (c >>> 18)
        buf[n++] = 0x80 | ((c >>> 12) & 0x3f)
        buf[n++] = 0x80 | ((c >>> 6) & 0x3f)
        buf[n++] = 0x80 | (c & 0x3f)
      } else {
        buf[n++] = 0xef
        buf[n++] = 0xbf
        buf[n++] = 0xbd
      }
    } else {
      buf[n++] = 0xe0 | (c >>> 12)
      buf[n++] = 0x80 | ((c >>> 6) & 0x3f)
      buf[n++] = 0x80 | (c & 0x3f)
    }
  }
  return n
}

/** The coupon of a string's UTF-8 bytes; 0 for the empty string (ignored, as DataSketches does). */
export const couponOfString = (value: string): number => {
  if (value.length === 0) return 0
  // encode first: encoding may replace the buffer, which must not be read before that
  const length = encodeUtf8(value)
  murmur3x64_128Into(utf8, 0, length, SEED_HI, SEED_LO, hash)
  return couponOfHash()
}
