import { type HllMode, HllSketch, type HllTargetType, HllUnion } from "@sketchlog/sketches"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { CouponHashSet } from "../src/internal/hll/CouponHashSet.js"
import { Hll4Array } from "../src/internal/hll/Hll4Array.js"
import { Hll6Array } from "../src/internal/hll/Hll6Array.js"
import { Hll8Array } from "../src/internal/hll/Hll8Array.js"
import type { HllArray } from "../src/internal/hll/HllArray.js"

const TYPES: Array<HllTargetType> = ["HLL_4", "HLL_6", "HLL_8"]

/** Everything a sketch's queries can observe. */
const observable = (s: HllSketch) => ({
  lgK: s.lgK,
  type: s.targetType,
  mode: s.mode,
  empty: s.isEmpty,
  ooo: s.isOutOfOrder,
  estimate: s.estimate,
  composite: s.compositeEstimate,
  bounds: [1, 2, 3].map((d) => [s.lowerBound(d as 1), s.upperBound(d as 1)]),
})

/** Byte equality that stays fast for megabyte images (vitest's deep equality walks element by element). */
const expectSameBytes = (actual: Uint8Array, expected: Uint8Array) => {
  let firstDifference = -1
  for (let i = 0; i < Math.min(actual.length, expected.length) && firstDifference < 0; i++) {
    if (actual[i] !== expected[i]) firstDifference = i
  }
  expect({ length: actual.length, firstDifference }).toEqual({ length: expected.length, firstDifference: -1 })
}

const fill = (s: HllSketch, from: number, to: number) => {
  for (let i = from; i < to; i++) s.updateInt64(i)
  return s
}

/** Items that reach a mode: LIST below 8 coupons, SET (lgK ≥ 8) below 3/4 of 2^(lgK-3), else HLL. */
const countsFor = (lgK: number): Array<[HllMode, number]> => {
  const setMax = (3 << (lgK - 3)) / 4
  const cases: Array<[HllMode, number]> = [
    ["LIST", 0],
    ["LIST", 5],
    ["HLL", Math.max(setMax + 1, 8) * 4],
  ]
  if (lgK >= 8) cases.push(["SET", 8], ["SET", setMax])
  return cases
}

describe("ours → bytes → ours", () => {
  for (const lgK of [4, 7, 8, 12, 16, 21]) {
    for (const type of TYPES) {
      for (const [mode, n] of countsFor(lgK)) {
        it(`lgK ${lgK}, ${type}, ${mode} (n = ${n}): compact and updatable images round-trip`, () => {
          const sketch = fill(new HllSketch(lgK, type), 0, n)
          expect(sketch.mode).toBe(mode)
          const compact = sketch.toCompactBytes()
          const updatable = sketch.toUpdatableBytes()
          const fromCompact = HllSketch.fromBytes(compact)
          const fromUpdatable = HllSketch.fromBytes(updatable)
          expect(observable(fromCompact)).toEqual(observable(sketch))
          expect(observable(fromUpdatable)).toEqual(observable(sketch))
          // updatable images are copied as they are; compact ones rebuild identical tables here
          expectSameBytes(fromUpdatable.toUpdatableBytes(), updatable)
          expectSameBytes(fromUpdatable.toCompactBytes(), compact)
          expect(fromCompact.toCompactBytes().length).toBe(compact.length)
          expect(compact[5]! & 8).toBe(8)
          expect(updatable[5]! & 8).toBe(0)
          // sizes as DataSketches defines them
          if (mode === "LIST") expect([compact.length, updatable.length]).toEqual([8 + 4 * n, 40])
          // (at lgK 21 some of the 196608 items share a coupon, so count coupons, not items)
          if (mode === "SET")
            expect(compact.length).toBe(12 + 4 * new DataView(compact.buffer).getUint32(8, true))
        })
      }
    }
  }

  it("matches DataSketches' serialization sizes for lgK 8 (LIST 36/40, SET 108/140, HLL 296)", () => {
    const s = fill(new HllSketch(8, "HLL_8"), 0, 7)
    expect([s.toCompactBytes().length, s.toUpdatableBytes().length]).toEqual([36, 40])
    fill(s, 7, 24)
    expect([s.mode, s.toCompactBytes().length, s.toUpdatableBytes().length]).toEqual(["SET", 108, 140])
    fill(s, 24, 25)
    expect([s.mode, s.toCompactBytes().length, s.toUpdatableBytes().length]).toEqual(["HLL", 296, 296])
  })

  it("HLL_4 updatable images carry an aux table even when it is empty (4 << LG_AUX_ARR_INTS[lgK] bytes)", () => {
    const s = fill(new HllSketch(12, "HLL_4"), 0, 1000)
    expect(s.toCompactBytes().length).toBe(40 + 2048)
    expect(s.toUpdatableBytes().length).toBe(40 + 2048 + (4 << 5))
    const withAux = fill(new HllSketch(12, "HLL_4"), 0, 100000)
    const compact = withAux.toCompactBytes()
    expect(new DataView(compact.buffer).getUint32(36, true)).toBe(1)
    expect(HllSketch.fromBytes(withAux.toUpdatableBytes()).toUpdatableBytes()).toEqual(
      withAux.toUpdatableBytes(),
    )
    expect(HllSketch.fromBytes(compact).toCompactBytes()).toEqual(compact)
  })

  it("a decoded sketch keeps counting exactly like the original (random lgK, type, sizes, image kind)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 13 }),
        fc.constantFrom(...TYPES),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (lgK, type, n1, n2, compact, base) => {
          const original = fill(new HllSketch(lgK, type), base, base + n1)
          const decoded = HllSketch.fromBytes(
            compact ? original.toCompactBytes() : original.toUpdatableBytes(),
          )
          fill(original, base + n1, base + n1 + n2)
          fill(decoded, base + n1, base + n1 + n2)
          expect(observable(decoded)).toEqual(observable(original))
          if (!compact) expect(decoded.toUpdatableBytes()).toEqual(original.toUpdatableBytes())
        },
      ),
      { numRuns: 150, seed: 42 },
    )
  })
})

/** A register array of each width, fed the same coupons directly (white box). */
const arrays = (lgK: number): Array<HllArray> => [new Hll4Array(lgK), new Hll6Array(lgK), new Hll8Array(lgK)]

describe("compact SET images", () => {
  it("decode to the table the reference's one-update-at-a-time insertion builds (fast path = general path)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 14 }),
        fc.integer({ min: 8, max: 3000 }),
        fc.integer(),
        (lgK, n, offset) => {
          const bytes = fill(new HllSketch(lgK, "HLL_8"), offset, offset + n).toCompactBytes()
          const decoded = HllSketch.fromBytes(bytes)
          fc.pre(decoded.mode === "SET")
          // the general path: a fresh set, each coupon of the image inserted in order by couponUpdate
          const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
          const count = view.getInt32(8, true)
          const expected = new CouponHashSet(lgK, 2)
          expected.oooFlag = decoded.isOutOfOrder
          for (let i = 0; i < count; i++) expected.couponUpdate(view.getInt32(12 + 4 * i, true))
          expectSameBytes(decoded.toUpdatableBytes(), HllSketch.fromImpl(expected).toUpdatableBytes())
        },
      ),
      { seed: 1804, numRuns: 150 },
    )
  })
})

describe("HLL_4, HLL_6 and HLL_8 are isomorphic", () => {
  it("the same coupon stream gives the same registers, curMin counts and bit-identical HIP and kxq", () => {
    // values skewed high so HLL_4 goes through exceptions, aux-table growth and curMin shifts
    const coupon = fc.tuple(
      fc.nat(),
      fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 63 })),
    )
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 8 }), fc.array(coupon, { maxLength: 3000 }), (lgK, stream) => {
        const [h4, h6, h8] = arrays(lgK)
        for (const [address, value] of stream) {
          const c = (value << 26) | (address & 0x3ffffff)
          h4!.couponUpdate(c)
          h6!.couponUpdate(c)
          h8!.couponUpdate(c)
        }
        const k = 1 << lgK
        const registers = (h: HllArray) => Array.from({ length: k }, (_, i) => h.getSlotValue(i))
        expect(registers(h4!)).toEqual(registers(h8!))
        expect(registers(h6!)).toEqual(registers(h8!))
        const minimum = Math.min(...registers(h8!))
        const atMin = registers(h8!).filter((v) => v === minimum).length
        expect([h4!.curMin, h4!.numAtCurMin]).toEqual([minimum, atMin])
        for (const h of [h4!, h6!]) {
          expect([h.hipAccum, h.kxq0, h.kxq1, h.getCompositeEstimate()]).toEqual([
            h8!.hipAccum,
            h8!.kxq0,
            h8!.kxq1,
            h8!.getCompositeEstimate(),
          ])
        }
        // and the HLL_4 image (with whatever aux table it grew) round-trips both ways
        const sketch4 = HllSketch.fromImpl(h4!)
        for (const bytes of [sketch4.toCompactBytes(), sketch4.toUpdatableBytes()]) {
          const back = HllSketch.fromBytes(bytes)
          expect(observable(back)).toEqual(observable(sketch4))
          expect(back.copy("HLL_8").toCompactBytes()).toEqual(HllSketch.fromImpl(h8!).toCompactBytes())
        }
        expect(HllSketch.fromBytes(sketch4.toUpdatableBytes()).toUpdatableBytes()).toEqual(
          sketch4.toUpdatableBytes(),
        )
        // converting down from HLL_8 gives the state the stream built (byte for byte when no aux table is
        // involved, whose slot layout depends on insertion order)
        const converted = HllSketch.fromImpl(h8!).copy("HLL_4")
        if (h4!.getAuxHashMap() === null) expect(converted.toCompactBytes()).toEqual(sketch4.toCompactBytes())
        expect(observable(converted)).toEqual(observable(sketch4))
        expect(observable(HllSketch.fromImpl(h8!).copy("HLL_6"))).toEqual(observable(HllSketch.fromImpl(h6!)))
      }),
      { numRuns: 300, seed: 3 },
    )
  })

  it("conversions build exactly the state of the reference's slot-order replay, aux table layout included", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 10 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer(),
        (lgK, floor, seed) => {
          // register values around a floor, a few far above it (exceptions), some slots left at 0
          let state = seed
          const random = () => {
            state = (Math.imul(state, 1664525) + 1013904223) | 0
            return (state >>> 0) / 2 ** 32
          }
          const zeroChance = random() < 0.3 ? 0.01 : 0
          const k = 1 << lgK
          const values = Array.from({ length: k }, () => {
            if (random() < zeroChance) return 0
            const v =
              floor + 1 + Math.floor(random() * 4) + (random() < 0.05 ? 15 + Math.floor(random() * 12) : 0)
            return Math.min(v, 63)
          })
          const h8 = new Hll8Array(lgK)
          const replays = arrays(lgK)
          values.forEach((v, i) => {
            if (v === 0) return
            h8.couponUpdate((v << 26) | i)
            for (const r of replays) r.couponUpdate((v << 26) | i)
          })
          const types: Array<HllTargetType> = ["HLL_4", "HLL_6", "HLL_8"]
          types.forEach((type, t) => {
            const converted = HllSketch.fromImpl(h8).copy(type)
            expect(converted.toUpdatableBytes()).toEqual(HllSketch.fromImpl(replays[t]!).toUpdatableBytes())
          })
        },
      ),
      { numRuns: 300, seed: 17 },
    )
  })

  it("grows the aux table past its initial size and folds exceptions back when curMin rises", () => {
    const h4 = new Hll4Array(8)
    const h8 = new Hll8Array(8)
    const feed = (slot: number, value: number) => {
      h4.couponUpdate((value << 26) | slot)
      h8.couponUpdate((value << 26) | slot)
    }
    for (let slot = 0; slot < 40; slot++) feed(slot, 20) // 40 exceptions: table grows 8 → 16 → 32 → 64
    expect(h4.auxHashMap!.auxCount).toBe(40)
    expect(h4.auxHashMap!.lgAuxArrInts).toBe(6)
    for (let slot = 0; slot < 256; slot++) feed(slot, 6) // curMin climbs to 6: 20 − 6 = 14 fits a nibble
    expect(h4.curMin).toBe(6)
    expect(h4.auxHashMap).toBeNull()
    const s4 = HllSketch.fromImpl(h4)
    expect(s4.copy("HLL_8").toCompactBytes()).toEqual(HllSketch.fromImpl(h8).toCompactBytes())
    expect(h4.hipAccum).toBe(h8.hipAccum)
  })
})

describe("images written by other implementations", () => {
  it("reads a serialized Java union gadget (flag 32: curMin, numAtCurMin and kxq stale) by rebuilding them", () => {
    const union = new HllUnion(12)
    union.update(fill(new HllSketch(12, "HLL_8"), 0, 60000))
    union.update(fill(new HllSketch(12, "HLL_4"), 30000, 100000))
    const result = union.getResult("HLL_8")
    const stale = result.toCompactBytes()
    const view = new DataView(stale.buffer)
    stale[5] = stale[5]! | 32
    view.setFloat64(16, 4096, true) // kxq0 of a fresh array
    view.setFloat64(24, 0, true)
    view.setUint32(32, 4096, true) // numAtCurMin of a fresh array
    const decoded = HllSketch.fromBytes(stale)
    expect(observable(decoded)).toEqual(observable(result))
  })
})

describe("conversions between target types", () => {
  it.each([7, 24, 1000, 100000])("keep the estimate for n = %i (DataSketches' copyAs test)", (n) => {
    for (const from of TYPES) {
      const src = fill(new HllSketch(8, from), 0, n)
      for (const to of TYPES) {
        const dst = src.copy(to)
        expect(dst.targetType).toBe(to)
        expect(dst.estimate).toBe(src.estimate)
        expect(dst.compositeEstimate).toBe(src.compositeEstimate)
      }
    }
  })

  it("copies are independent of the original", () => {
    const a = fill(new HllSketch(12, "HLL_4"), 0, 5000)
    const b = a.copy()
    fill(a, 5000, 10000)
    expect(b.estimate).toBe(fill(new HllSketch(12, "HLL_4"), 0, 5000).estimate)
    expect(a.estimate).not.toBe(b.estimate)
  })
})
