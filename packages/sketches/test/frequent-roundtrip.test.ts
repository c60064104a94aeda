import { FrequentLongsSketch, FrequentStringsSketch, SketchError } from "@sketchlog/sketches"
import { describe, expect, it } from "vitest"

/** A deterministic Zipf-ish stream: item i appears about n / (i+1) times. */
const zipfStream = (n: number, vocabulary: number, seed: number): Array<number> => {
  const cdf = new Float64Array(vocabulary)
  let acc = 0
  for (let i = 0; i < vocabulary; i++) cdf[i] = acc += 1 / (i + 1) ** 1.1
  let state = seed >>> 0
  const out = new Array<number>(n)
  for (let j = 0; j < n; j++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    const u = (state / 2 ** 32) * acc
    let lo = 0
    let hi = vocabulary - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cdf[mid] < u) lo = mid + 1
      else hi = mid
    }
    out[j] = lo
  }
  return out
}

/** Everything a sketch's queries can observe, in a comparable form. */
const observable = (s: FrequentStringsSketch | FrequentLongsSketch) => ({
  lgMax: s.lgMaxMapSize,
  lgCur: s.lgCurMapSize,
  total: s.totalWeight,
  maximumError: s.maximumError,
  numActive: s.numActiveItems,
  items: s
    .getFrequentItems("NO_FALSE_NEGATIVES", -1)
    .map((r) => [String(r.item), r.lowerBound] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
})

describe("FrequentStringsSketch round trips", () => {
  it("writes an empty sketch as whylogs does (flags 0x01) by default and as upstream (0x05) on request", () => {
    const s = new FrequentStringsSketch(10)
    expect([...s.toBytes()]).toEqual([1, 1, 10, 10, 3, 0x01, 0, 0])
    expect([...s.toBytes({ layout: "whylogs" })]).toEqual([1, 1, 10, 10, 3, 0x01, 0, 0])
    expect([...s.toBytes({ layout: "standard" })]).toEqual([1, 1, 10, 10, 3, 0x05, 0, 0])
    for (const bytes of [s.toBytes(), s.toBytes({ layout: "standard" })]) {
      const back = FrequentStringsSketch.fromBytes(bytes)
      expect(back.isEmpty).toBe(true)
      expect([back.lgMaxMapSize, back.lgCurMapSize, back.totalWeight, back.maximumError]).toEqual([
        10, 3, 0, 0,
      ])
      expect(back.getFrequentItems("NO_FALSE_NEGATIVES")).toEqual([])
    }
  })

  it("keeps multi-byte UTF-8 items, the empty string, NUL and a leading BOM exactly", () => {
    const items = [
      "",
      "\u0000",
      "\uFEFFbom",
      "é",
      "naïve café",
      "日本語",
      "😀",
      "👩‍👩‍👧",
      "e\u0301",
      "Ωmega",
      "a".repeat(200),
    ]
    const s = new FrequentStringsSketch(6)
    items.forEach((item, i) => {
      s.update(item, i + 1)
    })
    const bytes = s.toBytes()
    const back = FrequentStringsSketch.fromBytes(bytes)
    expect(observable(back)).toEqual(observable(s))
    for (const [i, item] of items.entries()) expect(back.getEstimate(item)).toBe(i + 1)
    // The length prefix counts UTF-8 bytes, not UTF-16 code units.
    const utf8Total = items.reduce((n, item) => n + new TextEncoder().encode(item).length, 0)
    expect(bytes.length).toBe(32 + 8 * items.length + 4 * items.length + utf8Total)
  })

  it("writes a lone surrogate, which UTF-8 cannot carry, as U+FFFD", () => {
    const s = new FrequentStringsSketch(6)
    s.update("x\uD800y", 3)
    const back = FrequentStringsSketch.fromBytes(s.toBytes())
    expect(back.getFrequentItems()).toEqual([{ item: "x\uFFFDy", estimate: 3, lowerBound: 3, upperBound: 3 }])
  })

  it("round-trips a sketch that has purged, and the copy then evolves exactly like the original", () => {
    const stream = zipfStream(60_000, 5_000, 7)
    const s = new FrequentStringsSketch(8)
    for (const i of stream.slice(0, 30_000)) s.update(`w${i}`)
    expect(s.maximumError).toBeGreaterThan(0)
    const back = FrequentStringsSketch.fromBytes(s.toBytes())
    expect(observable(back)).toEqual(observable(s))
    for (const i of stream.slice(30_000)) {
      s.update(`w${i}`)
      back.update(`w${i}`)
    }
    expect(observable(back)).toEqual(observable(s))
    expect(FrequentStringsSketch.fromBytes(back.toBytes({ layout: "standard" })).toBytes().length).toBe(
      s.toBytes().length,
    )
  })

  it("keeps total weight and offset when a purge has dropped every item", () => {
    // lgMax 3 holds 6 items; the 7th distinct unit-weight item makes every weight equal the median.
    const s = new FrequentStringsSketch(3)
    for (let i = 0; i < 7; i++) s.update(`k${i}`)
    expect([s.numActiveItems, s.totalWeight, s.maximumError, s.isEmpty]).toEqual([0, 7, 1, false])
    const bytes = s.toBytes()
    expect(bytes[0]).toBe(4) // written in full, not as the empty form, so nothing is lost
    const back = FrequentStringsSketch.fromBytes(bytes)
    expect([back.numActiveItems, back.totalWeight, back.maximumError]).toEqual([0, 7, 1])
    expect(back.getUpperBound("k0")).toBe(1)
  })
})

describe("FrequentLongsSketch round trips", () => {
  it("counts numbers and bigints of the same value as one item, over the whole int64 range", () => {
    const s = new FrequentLongsSketch(5)
    const values = [0n, 1n, -1n, 2n ** 31n, -(2n ** 31n), 2n ** 32n + 5n, -(2n ** 63n), 2n ** 63n - 1n]
    values.forEach((v, i) => {
      s.update(v, i + 1)
    })
    s.update(1, 10)
    s.update(-1, 10)
    s.update(Number.MAX_SAFE_INTEGER)
    s.update(BigInt(Number.MAX_SAFE_INTEGER))
    s.update(Number.MIN_SAFE_INTEGER)
    expect(s.getEstimate(1n)).toBe(12)
    expect(s.getEstimate(-1)).toBe(13)
    expect(s.getEstimate(BigInt(Number.MAX_SAFE_INTEGER))).toBe(2)
    expect(s.getEstimate(-(2n ** 63n))).toBe(7)
    expect(s.getEstimate(2n ** 63n - 1n)).toBe(8)
    const bytes = s.toBytes()
    expect(bytes.length).toBe(32 + 16 * s.numActiveItems)
    const back = FrequentLongsSketch.fromBytes(bytes)
    expect(observable(back)).toEqual(observable(s))
    expect(back.getFrequentItems()[0].item).toBe(-1n)
  })

  it("writes an empty long sketch in the upstream layout by default", () => {
    expect([...new FrequentLongsSketch(6).toBytes()]).toEqual([1, 1, 10, 6, 3, 0x05, 0, 0])
    expect([...new FrequentLongsSketch(6).toBytes({ layout: "whylogs" })]).toEqual([
      1, 1, 10, 6, 3, 0x01, 0, 0,
    ])
  })

  it("rejects items that are not int64 values", () => {
    const s = new FrequentLongsSketch(6)
    for (const bad of [1.5, Number.NaN, 2 ** 53, 2n ** 63n, -(2n ** 63n) - 1n, "7" as unknown as number]) {
      expect(() => s.update(bad)).toThrow(SketchError)
    }
    expect(s.isEmpty).toBe(true)
  })
})

describe("frequent-items sketch behaviour", () => {
  it("grows its table through 3..lgMax before purging, with 3/4 of the slots as capacity", () => {
    const s = new FrequentStringsSketch(5)
    const seen: Array<[number, number]> = []
    for (let i = 0; i < 24; i++) {
      s.update(`i${i}`)
      seen.push([s.lgCurMapSize, s.currentMapCapacity])
    }
    expect(seen[5]).toEqual([3, 6])
    expect(seen[6]).toEqual([4, 12])
    expect(seen[12]).toEqual([5, 24])
    expect([s.maximumMapCapacity, s.maximumError]).toEqual([24, 0])
    s.update("one more")
    expect(s.maximumError).toBe(1)
  })

  it("ignores weight 0 and rejects negative, fractional and non-numeric weights", () => {
    const s = new FrequentStringsSketch(6)
    s.update("a", 0)
    expect(s.isEmpty).toBe(true)
    for (const w of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      const e = (() => {
        try {
          s.update("a", w)
        } catch (error) {
          return error
        }
      })()
      expect(e).toBeInstanceOf(SketchError)
      expect((e as SketchError).reason).toBe("BadParameter")
      expect((e as SketchError).message).toMatch(/weight/)
    }
    expect(s.totalWeight).toBe(0)
  })

  it("answers 0 / maximumError for items it does not hold", () => {
    const s = new FrequentStringsSketch(3)
    for (let i = 0; i < 20; i++) s.update(`x${i % 9}`, 1 + (i % 4))
    const absent = "never seen"
    expect([s.getEstimate(absent), s.getLowerBound(absent), s.getUpperBound(absent)]).toEqual([
      0,
      0,
      s.maximumError,
    ])
  })

  it("uses the given threshold strictly (lowerBound > t or upperBound > t) and defaults it to maximumError", () => {
    const s = new FrequentStringsSketch(6)
    for (const [item, w] of [
      ["a", 5],
      ["b", 3],
      ["c", 3],
      ["d", 1],
    ] as const)
      s.update(item, w)
    const items = (rows: ReadonlyArray<{ item: string }>) => rows.map((r) => r.item).sort()
    expect(items(s.getFrequentItems())).toEqual(["a", "b", "c", "d"])
    expect(items(s.getFrequentItems("NO_FALSE_POSITIVES", 3))).toEqual(["a"])
    expect(items(s.getFrequentItems("NO_FALSE_NEGATIVES", 2))).toEqual(["a", "b", "c"])
    expect(s.getFrequentItems().map((r) => r.estimate)).toEqual([5, 3, 3, 1])
    expect(() => s.getFrequentItems("BOTH" as "NO_FALSE_POSITIVES")).toThrow(/errorType/)
  })

  it("merges like DataSketches: totals and offsets add, and a self-merge doubles every weight", () => {
    const a = new FrequentStringsSketch(4)
    const b = new FrequentStringsSketch(6)
    for (let i = 0; i < 100; i++) a.update(`a${i % 30}`)
    for (let i = 0; i < 50; i++) b.update(`b${i % 5}`, 2)
    const aError = a.maximumError
    a.merge(b)
    expect(a.totalWeight).toBe(200)
    expect(a.maximumError).toBeGreaterThanOrEqual(aError)
    expect(a.getLowerBound("b0")).toBeLessThanOrEqual(20)
    expect(a.getUpperBound("b0")).toBeGreaterThanOrEqual(20)

    const c = new FrequentStringsSketch(6)
    c.update("x", 3)
    c.update("y", 1)
    c.merge(c)
    expect([c.totalWeight, c.getEstimate("x"), c.getEstimate("y"), c.numActiveItems]).toEqual([8, 6, 2, 2])

    const empty = new FrequentStringsSketch(6)
    expect(c.merge(empty)).toBe(c)
    expect(c.totalWeight).toBe(8)
    expect(empty.merge(c).getEstimate("x")).toBe(6)
  })

  it("refuses to merge a long sketch into a string sketch", () => {
    const s = new FrequentStringsSketch(6)
    const l = new FrequentLongsSketch(6)
    l.update(1)
    expect(() => s.merge(l as unknown as FrequentStringsSketch)).toThrow(/cannot merge a FrequentLongsSketch/)
  })

  it("rejects map sizes outside 3..20 and a start size above the maximum", () => {
    for (const lg of [2, 21, 6.5, Number.NaN])
      expect(() => new FrequentStringsSketch(lg)).toThrow(/lgMaxMapSize/)
    expect(() => new FrequentStringsSketch(6, 7)).toThrow(/lgStartMapSize/)
    const s = new FrequentStringsSketch(6, 6)
    expect([s.lgCurMapSize, s.toBytes()[4]]).toEqual([6, 6])
  })

  it("states the a-priori error as 3.5 / 2^lgMax", () => {
    expect(FrequentStringsSketch.getEpsilon(10)).toBe(3.5 / 1024)
    expect(new FrequentLongsSketch(6).epsilon).toBe(0.0546875)
    expect(FrequentStringsSketch.getAprioriError(10, 1024)).toBe(3.5)
  })
})
