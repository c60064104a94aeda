import { murmurHash3_x64_128, SketchError } from "@sketchlog/sketches"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { murmur3x64_128Into, murmur3x64_128WordInto } from "../src/internal/murmur3.js"

const utf8 = (s: string) => new TextEncoder().encode(s)
const MASK = (1n << 64n) - 1n

/** A plain BigInt transcription of the reference C code: slow, obviously 64-bit, an independent oracle. */
const reference = (data: Uint8Array, seed: bigint): [bigint, bigint] => {
  const c1 = 0x87c37b91114253d5n
  const c2 = 0x4cf5ad432745937fn
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & MASK
  const fmix = (k: bigint) => {
    k ^= k >> 33n
    k = (k * 0xff51afd7ed558ccdn) & MASK
    k ^= k >> 33n
    k = (k * 0xc4ceb9fe1a85ec53n) & MASK
    return k ^ (k >> 33n)
  }
  const word = (at: number, n: number) => {
    let v = 0n
    for (let j = n - 1; j >= 0; j--) v = (v << 8n) | BigInt(data[at + j]!)
    return v
  }
  let h1 = seed & MASK
  let h2 = seed & MASK
  const blocks = data.length >> 4
  for (let i = 0; i < blocks; i++) {
    let k1 = word(i * 16, 8)
    let k2 = word(i * 16 + 8, 8)
    k1 = (rotl((k1 * c1) & MASK, 31n) * c2) & MASK
    h1 ^= k1
    h1 = (rotl(h1, 27n) + h2) & MASK
    h1 = (h1 * 5n + 0x52dce729n) & MASK
    k2 = (rotl((k2 * c2) & MASK, 33n) * c1) & MASK
    h2 ^= k2
    h2 = (rotl(h2, 31n) + h1) & MASK
    h2 = (h2 * 5n + 0x38495ab5n) & MASK
  }
  const tail = blocks * 16
  const rem = data.length - tail
  if (rem > 8) h2 ^= (rotl((word(tail + 8, rem - 8) * c2) & MASK, 33n) * c1) & MASK
  if (rem > 0) h1 ^= (rotl((word(tail, Math.min(rem, 8)) * c1) & MASK, 31n) * c2) & MASK
  const len = BigInt(data.length)
  h1 ^= len
  h2 ^= len
  h1 = (h1 + h2) & MASK
  h2 = (h2 + h1) & MASK
  h1 = fmix(h1)
  h2 = fmix(h2)
  h1 = (h1 + h2) & MASK
  h2 = (h2 + h1) & MASK
  return [h1, h2]
}

describe("murmurHash3_x64_128", () => {
  // Known digests from Apache DataSketches' MurmurHash3Test (taken from the public-domain C++ code).
  it.each([
    ["The quick brown fox jumps over the lazy dog", 0xe34bbc7bbc071b6cn, 0x7a433ca9c49a9347n], // 43 B: tail 11
    ["The quick brown fox jumps over the lazy eog", 0x362108102c62d1c9n, 0x3285cd100292b305n], // one bit changed
    ["The quick brown fox jumps over the lazy dogdogdog", 0x9c8205300e612fc4n, 0xcbc0af6136aa3df9n], // tail 1
    ["The quick brown fox jumps over the lazy1", 0xe3301a827e5cdfe3n, 0xbdbf05f8da0f0392n], // tail 8
  ])("hashes %j with seed 0 to the reference digest", (text, h1, h2) => {
    expect(murmurHash3_x64_128(utf8(text), 0)).toEqual([h1, h2])
  })

  it("hashes bytes 0xff and 0x00 in the tail like the reference", () => {
    const key = new Uint8Array([
      ...utf8("The quick brown fox jumps over the lazy dog"),
      0xff,
      ...utf8("dog"),
      0x00,
    ])
    expect(murmurHash3_x64_128(key, 0)).toEqual([0xe88abda785929c9en, 0x96b98587cacc83d6n])
  })

  it("passes SMHasher's verification: keys of length 0..255, seed 256 - length, digest of digests 0x6384BA69", () => {
    const key = new Uint8Array(256)
    const digests = new DataView(new ArrayBuffer(16 * 256))
    for (let i = 0; i < 256; i++) {
      key[i] = i
      const [h1, h2] = murmurHash3_x64_128(key.subarray(0, i), 256 - i)
      digests.setBigUint64(16 * i, h1, true)
      digests.setBigUint64(16 * i + 8, h2, true)
    }
    const [h1] = murmurHash3_x64_128(new Uint8Array(digests.buffer), 0)
    expect(h1 & 0xffffffffn).toBe(0x6384ba69n)
  })

  it("gives DataSketches' seed hash of the default seed 9001 (0x93CC)", () => {
    const seed = new Uint8Array(8)
    new DataView(seed.buffer).setBigInt64(0, 9001n, true)
    expect(murmurHash3_x64_128(seed, 0)[0] & 0xffffn).toBe(0x93ccn)
  })

  it("hashes the empty input with seed 0 to zero (the finalizer of all-zero lanes)", () => {
    expect(murmurHash3_x64_128(new Uint8Array(0), 0)).toEqual([0n, 0n])
  })

  it("agrees with a BigInt transcription for random bytes (0..80 long) and random 64-bit seeds", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.bigInt({ min: 0n, max: MASK }), (bytes, seed) => {
        expect(murmurHash3_x64_128(bytes, seed)).toEqual(reference(bytes, seed))
      }),
      { numRuns: 500, seed: 20240611 },
    )
  })

  it("takes negative and number seeds modulo 2^64", () => {
    const data = utf8("seed")
    expect(murmurHash3_x64_128(data, -1)).toEqual(reference(data, MASK))
    expect(murmurHash3_x64_128(data, -1n)).toEqual(reference(data, MASK))
    expect(murmurHash3_x64_128(data, 9001)).toEqual(reference(data, 9001n))
  })

  it("rejects a seed that is not a safe integer", () => {
    expect(() => murmurHash3_x64_128(new Uint8Array(1), 1.5)).toThrow(SketchError)
    expect(() => murmurHash3_x64_128(new Uint8Array(1), 2 ** 60)).toThrow(/safe integer/)
  })
})

describe("allocation-free variants", () => {
  it("hash a window of a larger buffer like the same bytes on their own", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const offset = a % bytes.length
        const length = b % (bytes.length - offset + 1)
        const out = new Int32Array(4)
        murmur3x64_128Into(bytes, offset, length, 0, 9001, out)
        const [h1, h2] = reference(bytes.slice(offset, offset + length), 9001n)
        expect(out).toEqual(
          Int32Array.of(
            Number(h1 & 0xffffffffn),
            Number(h1 >> 32n),
            Number(h2 & 0xffffffffn),
            Number(h2 >> 32n),
          ),
        )
      }),
      { numRuns: 300, seed: 7 },
    )
  })

  it("hash an 8-byte word given as int32 halves like its little-endian bytes", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), fc.integer(), fc.integer(), (hi, lo, seedHi, seedLo) => {
        const bytes = new Uint8Array(8)
        const view = new DataView(bytes.buffer)
        view.setInt32(0, lo, true)
        view.setInt32(4, hi, true)
        const viaWord = new Int32Array(4)
        const viaBytes = new Int32Array(4)
        murmur3x64_128WordInto(hi, lo, seedHi, seedLo, viaWord)
        murmur3x64_128Into(bytes, 0, 8, seedHi, seedLo, viaBytes)
        expect(viaWord).toEqual(viaBytes)
      }),
      { numRuns: 500, seed: 11 },
    )
  })
})
