import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { KllCoin, KllDoublesSketch, type KllSerialLayout } from "../src/index.js"

const sketchOf = (k: number, n: number, seed = 1): KllDoublesSketch => {
  const sketch = new KllDoublesSketch(k, { coin: KllCoin.seeded(seed) })
  for (let i = 0; i < n; i++) sketch.update(Math.sin(i * 7919) * 1000)
  return sketch
}

const RANKS = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1]

/** Everything a reader can observe, to compare two sketches. */
const observe = (s: KllDoublesSketch) => ({
  k: s.k,
  minK: s.minK,
  n: s.n,
  min: s.min,
  max: s.max,
  isEmpty: s.isEmpty,
  numRetained: s.numRetained,
  isEstimationMode: s.isEstimationMode,
  whylogs: s.isEmpty ? [] : s.getQuantiles(RANKS),
  v5: s.isEmpty ? [] : s.getQuantiles(RANKS, { rule: "v5", inclusive: false }),
  cdf: s.getCDF([-500, 0, 500]),
})

describe("KLL round trip: ours → bytes → ours", () => {
  const cases: Array<[string, () => KllDoublesSketch]> = [
    ["empty", () => new KllDoublesSketch(200)],
    ["empty with k = 1024", () => new KllDoublesSketch(1024)],
    ["single item", () => sketchOf(200, 1)],
    ["two items", () => sketchOf(200, 2)],
    ["full, exact mode", () => sketchOf(200, 150)],
    ["full, estimation mode", () => sketchOf(200, 50_000)],
    ["full, k = 8 (smallest)", () => sketchOf(8, 10_000)],
    ["full, k = 1024 (whylogs)", () => sketchOf(1024, 30_000)],
  ]
  for (const layout of ["standard", "whylogs"] as const satisfies ReadonlyArray<KllSerialLayout>) {
    for (const [name, make] of cases) {
      it(`${name}, ${layout} layout`, () => {
        const original = make()
        const bytes = original.toBytes({ layout })
        const decoded = KllDoublesSketch.fromBytes(bytes)
        expect(decoded.toBytes({ layout })).toEqual(bytes)
        expect(observe(decoded)).toEqual(observe(original))
        if (original.n > 1) expect(bytes[0]).toBe(layout === "whylogs" ? 6 : 5)
        else expect(bytes[0]).toBe(2)
      })
    }
  }

  it("preInts 5 and 6 carry the same sketch: the layouts differ only by the pad bytes", () => {
    const s = sketchOf(200, 5000)
    const standard = s.toBytes({ layout: "standard" })
    const whylogs = s.toBytes({ layout: "whylogs" })
    expect(whylogs.length).toBe(standard.length + 4)
    expect([...whylogs.subarray(20, 24)]).toEqual([0, 0, 0, 0])
    expect([...whylogs.subarray(24)]).toEqual([...standard.subarray(20)])
    expect([...whylogs.subarray(1, 20)]).toEqual([...standard.subarray(1, 20)])
  })

  it("defaults to the standard layout", () => {
    expect(sketchOf(200, 100).toBytes()[0]).toBe(5)
  })

  it("a decoded sketch keeps compacting exactly like the original", () => {
    // The original switches to a fresh seeded coin at the moment it is serialized; the copy decoded
    // from those bytes starts with the same coin. Equal bytes later prove the decoded state is complete.
    let inner = KllCoin.seeded(3)
    const original = new KllDoublesSketch(200, { coin: { flip: () => inner.flip() } })
    for (let i = 0; i < 20_000; i++) original.update(Math.cos(i))
    const decoded = KllDoublesSketch.fromBytes(original.toBytes(), { coin: KllCoin.seeded(9) })
    inner = KllCoin.seeded(9)
    for (let i = 0; i < 30_000; i++) {
      original.update(i % 977)
      decoded.update(i % 977)
    }
    expect(decoded.toBytes()).toEqual(original.toBytes())
  })

  it("a decoded (folded) sketch updates, merges and is merged exactly as the sketch it was read from", () => {
    // Both sides switch to the same fresh seeded coin at the moment of serialization, as above: from
    // then on every write on the decoded sketch must give the bytes the same write gives on the original.
    fc.assert(
      fc.property(
        fc.constantFrom(8, 200, 1024),
        fc.integer({ min: 1, max: 6000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 6000 }),
        fc.constantFrom("standard", "whylogs") as fc.Arbitrary<KllSerialLayout>,
        fc.boolean(),
        (k, n, more, otherN, layout, sortFirst) => {
          let inner = KllCoin.seeded(3)
          const original = new KllDoublesSketch(k, { coin: { flip: () => inner.flip() } })
          for (let i = 0; i < n; i++) original.update(Math.sin(i * 31) * 100)
          if (sortFirst) original.getQuantile(0.5)
          const bytes = original.toBytes({ layout })
          const decoded = KllDoublesSketch.fromBytes(bytes, { coin: KllCoin.seeded(9) })
          // as a source: folded into a third sketch, it gives what the original gives
          const into = (source: KllDoublesSketch) => {
            const target = sketchOf(k, otherN, 5)
            target.merge(source)
            return target.toBytes({ layout })
          }
          expect(into(decoded)).toEqual(into(original))
          expect(decoded.copy().toBytes({ layout })).toEqual(bytes)
          inner = KllCoin.seeded(9)
          for (let i = 0; i < more; i++) {
            original.update(i % 311)
            decoded.update(i % 311)
          }
          const other = sketchOf(k, otherN, 6)
          original.merge(other)
          decoded.merge(other)
          expect(decoded.toBytes({ layout })).toEqual(original.toBytes({ layout }))
        },
      ),
      { seed: 1807, numRuns: 60 },
    )
  })

  it("the level-zero-sorted flag survives a round trip after a query sorted level zero", () => {
    const s = sketchOf(200, 10)
    s.getQuantile(0.5)
    const bytes = s.toBytes()
    expect(bytes[3]! & 2).toBe(2)
    const items = new Float64Array(bytes.slice(40).buffer)
    expect([...items]).toEqual([...items].sort((x, y) => x - y))
    expect(KllDoublesSketch.fromBytes(bytes).toBytes()).toEqual(bytes)
  })
})
