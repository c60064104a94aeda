import { describe, expect, it } from "vitest"
import { KllCoin, KllDoublesSketch, type KllSerialLayout } from "../src/index.js"
import { kllVector, kllVectors } from "./kllVectorFiles.js"

/** A coin that replays fixed bits (for a file written with a random coin whose bits we recovered). */
const replay = (bits: ReadonlyArray<number>): KllCoin => {
  let i = 0
  return { flip: () => bits[i++ % bits.length]! }
}

const build = (k: number, values: Iterable<number>, coin?: KllCoin): KllDoublesSketch => {
  const sketch = new KllDoublesSketch(k, coin === undefined ? {} : { coin })
  for (const v of values) sketch.update(v)
  return sketch
}

function* oneTo(n: number): Generator<number> {
  for (let i = 1; i <= n; i++) yield i
}

const expectSameBytes = (ours: Uint8Array, theirs: Uint8Array) => {
  expect(ours.length).toBe(theirs.length)
  const diff = ours.findIndex((b, i) => b !== theirs[i])
  expect(diff, `first differing byte at ${diff}`).toBe(-1)
}

describe("KLL writes the reference bytes from the same recipe", () => {
  describe("cross-language files for N ≤ 100 (k = 200, 1..N, standard layout)", () => {
    for (const lang of ["cpp", "java", "go"]) {
      for (const n of [0, 1, 10, 100]) {
        it(`${lang} n${n}`, () => {
          expectSameBytes(build(200, oneTo(n)).toBytes(), kllVector(lang, `kll_double_n${n}_${lang}`))
        })
      }
    }
  })

  describe("whylogs files (whylogs layout)", () => {
    const cases: Array<[string, number, () => Iterable<number>, () => KllCoin | undefined]> = [
      ["kll_double_k1024_n0_wls", 1024, () => oneTo(0), () => undefined],
      ["kll_double_k1024_n1_wls", 1024, () => oneTo(1), () => undefined],
      ["kll_double_k1024_n10_wls", 1024, () => oneTo(10), () => undefined],
      ["kll_double_k1024_n1000_wls", 1024, () => oneTo(1000), () => undefined],
      // Written by whylogs with a random coin; its four halvings drew 0, 0, 1, 1 (found by trying all 16).
      ["kll_double_k256_n1000_wls", 256, () => oneTo(1000), () => replay([0, 0, 1, 1])],
      ["kll_double_k1024_special_wls", 1024, () => [-0, 0, -1.5, 1e300, -1e-300, 3.25], () => undefined],
      ["kll_double_k1024_n100000_det0_wls", 1024, () => oneTo(100_000), () => KllCoin.deterministic(0)],
      ["kll_double_k256_n100000_det1_wls", 256, () => oneTo(100_000), () => KllCoin.deterministic(1)],
    ]
    for (const [name, k, values, coin] of cases) {
      it(name, () => {
        expectSameBytes(build(k, values(), coin()).toBytes({ layout: "whylogs" }), kllVector("wls", name))
      })
    }
  })

  describe("deterministic-coin files (standard layout)", () => {
    const cases: Array<[string, number, number, 0 | 1]> = [
      ["kll_double_k1024_n100000_det0_cpp", 1024, 100_000, 0],
      ["kll_double_k256_n100000_det1_cpp", 256, 100_000, 1],
      ["kll_double_k200_n1000000_det0_cpp", 200, 1_000_000, 0],
    ]
    for (const [name, k, n, start] of cases) {
      it(name, () => {
        const sketch = build(k, oneTo(n), KllCoin.deterministic(start))
        expectSameBytes(sketch.toBytes({ layout: "standard" }), kllVector("det", name))
      })
    }
  })

  it("a different coin gives different bytes (the comparison above can fail)", () => {
    const other = build(1024, oneTo(100_000), KllCoin.deterministic(1)).toBytes()
    expect(other).not.toEqual(kllVector("det", "kll_double_k1024_n100000_det0_cpp"))
  })

  it("the whylogs det files equal the standard ones without the pad bytes and with preInts 5", () => {
    for (const [wls, cpp] of [
      ["kll_double_k1024_n100000_det0_wls", "kll_double_k1024_n100000_det0_cpp"],
      ["kll_double_k256_n100000_det1_wls", "kll_double_k256_n100000_det1_cpp"],
    ] as const) {
      const whylogs = kllVector("wls", wls)
      const standard = kllVector("det", cpp)
      expectSameBytes(KllDoublesSketch.fromBytes(whylogs).toBytes({ layout: "standard" }), standard)
      expectSameBytes(KllDoublesSketch.fromBytes(standard).toBytes({ layout: "whylogs" }), whylogs)
      expect(whylogs[0]).toBe(6)
      expect([...whylogs.subarray(20, 24)]).toEqual([0, 0, 0, 0])
    }
  })

  it("every vector re-encodes to its own bytes in its own layout", () => {
    for (const v of kllVectors()) {
      const bytes = v.bytes()
      const layout: KllSerialLayout = bytes[0] === 6 ? "whylogs" : "standard"
      expectSameBytes(KllDoublesSketch.fromBytes(bytes).toBytes({ layout }), bytes)
    }
  })
})
