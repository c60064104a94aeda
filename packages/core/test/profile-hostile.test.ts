import { describe, expect, it } from "vitest"
import { DatasetProfile, DatasetProfileView } from "../src/index.js"
import { SegmentedDatasetProfile } from "../src/profile/index.js"

const T0 = Date.UTC(2024, 0, 1)

const trackOne = (value: unknown) => {
  const profile = new DatasetProfile({ creationTimestamp: T0 })
  expect(() => profile.track({ v: value })).not.toThrow()
  expect(() => profile.trackColumns({ v: [value] })).not.toThrow()
  const view = profile.view()
  // and the profile still serializes and reads back
  const again = DatasetProfileView.deserialize(view.serialize())
  expect(again.getColumn("v")?.counts?.n).toBe(2)
  return view.getColumn("v")
}

describe("hostile values never throw out of track, and count as what they are", () => {
  it("cyclic objects and arrays are objects", () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    expect(trackOne(cyclic)?.types?.object).toBe(2)
    const loop: unknown[] = [1]
    loop.push(loop)
    expect(trackOne(loop)?.types?.object).toBe(2)
  })

  it("10^5-deep nesting is an object, found without recursion into it", () => {
    let deepObject: unknown = {}
    let deepArray: unknown = [1]
    for (let i = 0; i < 100_000; i++) {
      deepObject = { next: deepObject }
      deepArray = [deepArray]
    }
    expect(trackOne(deepObject)?.types?.object).toBe(2)
    expect(trackOne(deepArray)?.types?.object).toBe(2)
  })

  it("a 10 MB string is a string; frequent items keep 128 code points", () => {
    const huge = "ab".repeat(5 * 1024 * 1024)
    const column = trackOne(huge)
    expect(column?.types?.string).toBe(2)
    expect(column?.cardinality?.estimate).toBeCloseTo(1, 5)
    expect(column?.frequentItems?.items()).toEqual([{ value: "ab".repeat(64), est: 2, upper: 2, lower: 2 }])
  })

  it("lone surrogates are strings (written as U+FFFD, since the file holds UTF-8)", () => {
    const column = trackOne("x\ud800y")
    expect(column?.types?.string).toBe(2)
    // A view holds what the file will hold: the sketch's UTF-8 bytes, where a lone surrogate is U+FFFD.
    expect(column?.frequentItems?.items()[0]?.value).toBe("x\ufffdy")
    const profile = new DatasetProfile({ creationTimestamp: T0 })
    profile.track({ v: "\udc00" })
    const read = DatasetProfileView.deserialize(profile.view().serialize())
    expect(read.getColumn("v")?.frequentItems?.items()[0]?.value).toBe("\ufffd")
  })

  it("symbols, functions, dates, maps, class instances, revoked proxies and proxies are objects", () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    const trap = new Proxy([1, 2], {
      get() {
        throw new Error("trap")
      },
    })
    for (const value of [
      Symbol("s"),
      () => 1,
      new Date(),
      new Map(),
      new (class X {})(),
      proxy,
      trap,
      /re/,
    ]) {
      expect(trackOne(value)?.types?.object).toBe(2)
    }
  })

  it("bigints past int64, typed arrays, numeric arrays", () => {
    expect(trackOne(2n ** 70n)?.types?.object).toBe(2)
    expect(trackOne(-(2n ** 63n))?.ints?.min).toBe(-(2n ** 63n))
    expect(trackOne(new Float64Array([1, 2]))?.types?.tensor).toBe(2)
    expect(trackOne(Array.from({ length: 1_000_000 }, (_, i) => i))?.types?.tensor).toBe(2)
  })

  it("__proto__ and other Object.prototype names are plain columns; nothing is polluted", () => {
    const row = JSON.parse(
      '{"__proto__": {"polluted": 1}, "constructor": 2, "hasOwnProperty": 3, "toString": "s"}',
    )
    const profile = new DatasetProfile({ creationTimestamp: T0 })
    profile.track(row)
    profile.trackColumns(JSON.parse('{"__proto__": [1, 2]}'))
    const view = profile.view()
    expect(view.columnNames).toEqual(["__proto__", "constructor", "hasOwnProperty", "toString"])
    expect(view.getColumn("__proto__")?.types?.object).toBe(1)
    expect(view.getColumn("__proto__")?.types?.integral).toBe(2)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const read = DatasetProfileView.deserialize(view.serialize())
    expect(read.columnNames).toEqual(view.columnNames)
    expect(read.getColumn("__proto__")?.counts?.n).toBe(3)
  })

  it("a getter that throws is an object cell; a row whose keys cannot be listed is dropped", () => {
    const profile = new DatasetProfile({ creationTimestamp: T0 })
    const row = { ok: 1 }
    Object.defineProperty(row, "bad", {
      enumerable: true,
      get() {
        throw new Error("getter")
      },
    })
    profile.track(row)
    profile.track(
      new Proxy(
        {},
        {
          ownKeys() {
            throw new Error("keys")
          },
        },
      ),
    )
    profile.track(null as never)
    profile.track("not a row" as never)
    const columns = { good: [1] }
    Object.defineProperty(columns, "evil", {
      enumerable: true,
      get() {
        throw new Error("column")
      },
    })
    profile.trackColumns(columns)
    const view = profile.view()
    expect(view.getColumn("bad")?.types?.object).toBe(1)
    expect(view.getColumn("ok")?.counts?.n).toBe(1)
    expect(view.getColumn("good")?.counts?.n).toBe(1)
    expect(profile.droppedRows).toBe(4)
  })

  it("symbol keys are ignored; inherited enumerable keys are not columns", () => {
    const profile = new DatasetProfile({ creationTimestamp: T0 })
    const row = Object.create({ inherited: 1 }) as Record<string | symbol, unknown>
    row.own = 2
    row[Symbol("k")] = 3
    profile.track(row as Record<string, unknown>)
    expect(profile.view().columnNames).toEqual(["own"])
  })

  it("unbounded key sets stop at maxColumns, with the cells counted", () => {
    const profile = new DatasetProfile({ creationTimestamp: T0, maxColumns: 10 })
    for (let i = 0; i < 100; i++) profile.track({ [`k${i}`]: i, fixed: 1 })
    expect(profile.view().columns.size).toBe(10)
    expect(profile.droppedCells).toBe(91)
  })

  it("segment keys of hostile values never throw", () => {
    const segmented = new SegmentedDatasetProfile({ segmentOn: ["k"], creationTimestamp: T0 })
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    const tagThrows = {
      get [Symbol.toStringTag]() {
        throw new Error("tag")
      },
    }
    for (const k of [proxy, tagThrows, Symbol("s"), "x".repeat(1_000_000), null, 1.5, 2n ** 80n]) {
      expect(() => segmented.track({ k, v: 1 })).not.toThrow()
    }
    // the revoked proxy and the throwing tag both read as "[object]": one segment
    expect(segmented.views().length).toBe(6)
    // the same keys by column, in one batch: the same six segments, every row counted once more
    segmented.trackColumns({
      k: [proxy, tagThrows, Symbol("s"), "x".repeat(1_000_000), null, 1.5, 2n ** 80n],
      v: [1, 1, 1, 1, 1, 1, 1],
    })
    expect(segmented.views().length).toBe(6)
    expect(segmented.views().reduce((n, view) => n + (view.getColumn("v")?.counts?.n ?? 0), 0)).toBe(14)
    for (const view of segmented.views())
      expect(() => DatasetProfileView.deserialize(view.serialize())).not.toThrow()
  })
})
