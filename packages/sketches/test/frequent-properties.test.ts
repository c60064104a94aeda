import { FrequentLongsSketch, FrequentStringsSketch } from "@sketchlog/sketches"
import { zipfRanks } from "@sketchlog/test-fixtures"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fmix64Low32, javaStringHashCode } from "../src/internal/frequent/ItemHash.js"
import { selectKth } from "../src/internal/frequent/ReversePurgeHashMap.js"

/** A weighted Zipf stream over `vocabulary` items, fully determined by its parameters. */
interface StreamSpec {
  readonly seed: number
  readonly n: number
  readonly vocabulary: number
  readonly exponent: number
  readonly maxWeight: number
}

const streamOf = (spec: StreamSpec): Array<[string, number]> => {
  const rank = zipfRanks(spec.vocabulary, spec.exponent)
  let state = spec.seed >>> 0
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0
    return state / 2 ** 32
  }
  const out: Array<[string, number]> = []
  for (let j = 0; j < spec.n; j++) {
    const item = `item-${rank(next())}`
    out.push([item, 1 + Math.floor(next() * spec.maxWeight)])
  }
  return out
}

const streamSpec = (maxN: number) =>
  fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    n: fc.integer({ min: 1, max: maxN }),
    vocabulary: fc.integer({ min: 2, max: 3000 }),
    exponent: fc.constantFrom(0.6, 1.1, 1.6),
    maxWeight: fc.constantFrom(1, 1, 4, 50),
  })

const exactCounts = (stream: ReadonlyArray<readonly [string, number]>): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const [item, w] of stream) counts.set(item, (counts.get(item) ?? 0) + w)
  return counts
}

/** The guarantees of the sketch against exact counts, for a random threshold `t`. */
const checkGuarantees = (sketch: FrequentStringsSketch, exact: Map<string, number>, t: number): void => {
  let total = 0
  for (const [item, count] of exact) {
    total += count
    const lb = sketch.getLowerBound(item)
    const ub = sketch.getUpperBound(item)
    if (!(lb <= count && count <= ub)) throw new Error(`${item}: ${lb} ≤ ${count} ≤ ${ub} fails`)
    const est = sketch.getEstimate(item)
    if (est !== 0 && !(lb <= est && est <= ub)) throw new Error(`${item}: estimate ${est} outside bounds`)
  }
  expect(sketch.totalWeight).toBe(total)
  expect(sketch.numActiveItems).toBeLessThanOrEqual(sketch.maximumMapCapacity)
  // No false positives: everything returned truly exceeds the threshold.
  for (const row of sketch.getFrequentItems("NO_FALSE_POSITIVES", t)) {
    expect(exact.get(row.item) ?? 0).toBeGreaterThan(t)
  }
  // No false negatives (for thresholds ≥ maximumError): everything above it is returned.
  const tn = Math.max(t, sketch.maximumError)
  const returned = new Set(sketch.getFrequentItems("NO_FALSE_NEGATIVES", tn).map((r) => r.item))
  for (const [item, count] of exact) if (count > tn) expect(returned.has(item)).toBe(true)
}

describe("frequent-items guarantees (fast-check)", () => {
  it("bounds hold for every item of random weighted Zipf streams, through many purges", () => {
    fc.assert(
      fc.property(
        streamSpec(6000),
        fc.integer({ min: 3, max: 7 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (spec, lgMax, tShare) => {
          const stream = streamOf(spec)
          const sketch = new FrequentStringsSketch(lgMax)
          for (const [item, w] of stream) sketch.update(item, w)
          const exact = exactCounts(stream)
          checkGuarantees(sketch, exact, Math.floor(tShare * sketch.totalWeight))
          // The sample holds every active weight here (capacity < 1024), so the median is exact
          // and the a-priori bound is deterministic.
          expect(sketch.maximumError).toBeLessThanOrEqual(sketch.epsilon * sketch.totalWeight)
        },
      ),
      { numRuns: 150 },
    )
  })

  it("bounds hold after merging many sketches of different sizes, in any merge tree", () => {
    fc.assert(
      fc.property(
        streamSpec(8000),
        fc.array(fc.integer({ min: 3, max: 6 }), { minLength: 2, maxLength: 12 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (spec, sizes, pairwise, tShare) => {
          const stream = streamOf(spec)
          const parts = sizes.map((lg) => new FrequentStringsSketch(lg))
          stream.forEach(([item, w], i) => {
            parts[i % parts.length].update(item, w)
          })
          let merged: FrequentStringsSketch
          if (pairwise) {
            // A balanced tree of merges.
            let level = parts
            while (level.length > 1) {
              const next: Array<FrequentStringsSketch> = []
              for (let i = 0; i < level.length; i += 2) {
                next.push(i + 1 < level.length ? level[i].merge(level[i + 1]) : level[i])
              }
              level = next
            }
            merged = level[0]
          } else {
            merged = new FrequentStringsSketch(5)
            for (const part of parts) merged.merge(part)
          }
          checkGuarantees(merged, exactCounts(stream), Math.floor(tShare * merged.totalWeight))
        },
      ),
      { numRuns: 100 },
    )
  })

  it("serialization keeps every observable value, for arbitrary Unicode items and weights", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: "binary", maxLength: 12 }), fc.integer({ min: 0, max: 1000 })), {
          maxLength: 300,
        }),
        fc.integer({ min: 3, max: 6 }),
        fc.constantFrom("whylogs" as const, "standard" as const),
        (updates, lgMax, layout) => {
          const s = new FrequentStringsSketch(lgMax)
          for (const [item, w] of updates) s.update(item, w)
          const back = FrequentStringsSketch.fromBytes(s.toBytes({ layout }))
          expect([back.totalWeight, back.maximumError, back.numActiveItems, back.lgCurMapSize]).toEqual([
            s.totalWeight,
            s.maximumError,
            s.numActiveItems,
            s.lgCurMapSize,
          ])
          const rows = (x: FrequentStringsSketch) =>
            x.getFrequentItems("NO_FALSE_NEGATIVES", -1).sort((a, b) => (a.item < b.item ? -1 : 1))
          expect(rows(back)).toEqual(rows(s))
        },
      ),
      { numRuns: 150 },
    )
  })

  it("long sketches keep the same guarantees for int64 items", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: 1, max: 9 })),
          {
            maxLength: 400,
          },
        ),
        fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 2000 }),
        (wide, small) => {
          const s = new FrequentLongsSketch(4)
          const exact = new Map<bigint, number>()
          const add = (item: bigint, w: number) => {
            s.update(item, w)
            exact.set(item, (exact.get(item) ?? 0) + w)
          }
          for (const [item, w] of wide) add(item, w)
          for (const item of small) add(BigInt(item), 1)
          for (const [item, count] of exact) {
            expect(s.getLowerBound(item)).toBeLessThanOrEqual(count)
            expect(s.getUpperBound(item)).toBeGreaterThanOrEqual(count)
          }
          const back = FrequentLongsSketch.fromBytes(s.toBytes())
          for (const item of exact.keys()) expect(back.getLowerBound(item)).toBe(s.getLowerBound(item))
        },
      ),
      { numRuns: 100 },
    )
  })
})

describe("frequent-items machinery", () => {
  const fmix64Reference = (x: bigint): bigint => {
    const M = (1n << 64n) - 1n
    let k = x & M
    k ^= k >> 33n
    k = (k * 0xff51afd7ed558ccdn) & M
    k ^= k >> 33n
    k = (k * 0xc4ceb9fe1a85ec53n) & M
    k ^= k >> 33n
    return k
  }

  it("fmix64 on 32-bit halves equals the 64-bit MurmurHash3 finalizer", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (x) => {
        const hi = Number(x >> 32n) | 0
        const lo = Number(BigInt.asUintN(32, x)) | 0
        expect(fmix64Low32(hi, lo)).toBe(Number(BigInt.asIntN(32, fmix64Reference(x))))
      }),
      { numRuns: 2000 },
    )
    expect(fmix64Low32(0, 0)).toBe(0)
  })

  it("string hash codes equal Java's String.hashCode()", () => {
    expect(javaStringHashCode("")).toBe(0)
    expect(javaStringHashCode("hello")).toBe(99162322)
    expect(javaStringHashCode("Aa")).toBe(javaStringHashCode("BB"))
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        let h = 0n
        for (let i = 0; i < s.length; i++) h = BigInt.asIntN(32, h * 31n + BigInt(s.charCodeAt(i)))
        expect(javaStringHashCode(s)).toBe(Number(h))
      }),
    )
  })

  it("selects the element of rank k exactly (what the purge takes as its median)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 1100 }),
        fc.nat(),
        (values, kSeed) => {
          const k = kSeed % values.length
          const sorted = [...values].sort((a, b) => a - b)
          expect(selectKth(Float64Array.from(values), values.length, k)).toBe(sorted[k])
        },
      ),
      { numRuns: 500 },
    )
  })
})
