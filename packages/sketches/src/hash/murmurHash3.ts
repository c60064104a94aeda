import { murmur3x64_128Into } from "../internal/murmur3.js"
import { SketchError } from "../SketchError.js"

const out = new Int32Array(4)
const MASK_64 = (1n << 64n) - 1n

const toU64 = (hi: number, lo: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)

/**
 * MurmurHash3 x64 128 of `bytes` with a 64-bit `seed` (both lanes start at the seed, as in Apache
 * DataSketches; a negative seed is taken modulo 2^64). Returns the two 64-bit halves `[h1, h2]` as
 * unsigned bigints. For hot loops use the allocation-free `murmur3x64_128Into` of the package internals.
 */
export const murmurHash3_x64_128 = (
  bytes: Uint8Array,
  seed: number | bigint = 0,
): readonly [h1: bigint, h2: bigint] => {
  if (typeof seed === "number" && !Number.isSafeInteger(seed)) {
    throw new SketchError(
      "MurmurHash3",
      "BadParameter",
      `seed must be a safe integer or a bigint, got ${seed}`,
    )
  }
  const s = BigInt(seed) & MASK_64
  murmur3x64_128Into(bytes, 0, bytes.length, Number(s >> 32n) | 0, Number(s & 0xffffffffn) | 0, out)
  return [toU64(out[1]!, out[0]!), toU64(out[3]!, out[2]!)]
}
