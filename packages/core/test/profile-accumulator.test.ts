import { HllSketch } from "@sketchlog/sketches"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  ColumnProfileView,
  DatasetProfile,
  DatasetProfileView,
  ProfileArgumentError,
  ProfileFormatError,
} from "../src/index.js"
import {
  CardinalityMetric,
  type ColumnType,
  ProfileAccumulator,
  ProfileSegment,
} from "../src/profile/index.js"
import { SketchCell } from "../src/profile/internal/SketchCell.js"
import { hllCodec } from "../src/profile/internal/SketchCodecs.js"

const T0 = Date.UTC(2024, 0, 1)
const schema: Record<string, ColumnType> = { i: "integral", f: "fractional", s: "string", b: "integral" }

const row = fc.record(
  {
    i: fc.integer({ min: -50, max: 50 }),
    f: fc.oneof(fc.double({ min: -100, max: 100, noNaN: true }), fc.constant(Number.NaN)),
    s: fc.constantFrom("a", "b", "c", "dd", "", "é"),
    b: fc.boolean(),
    extra: fc.constantFrom(1, "x", null),
  },
  // columns come and go between profiles
  { requiredKeys: ["i"] },
)

/** One view per batch of rows, each with its own timestamps, tags and metadata. */
const viewsOf = (batches: ReadonlyArray<ReadonlyArray<Record<string, unknown>>>): Array<DatasetProfileView> =>
  batches.map((rows, p) => {
    const profile = new DatasetProfile({
      schema,
      datasetTimestamp: T0 + ((p * 7) % 5) * 3_600_000,
      creationTimestamp: T0 + p,
      tags: { replica: `r${p}`, ...(p % 2 === 0 ? { even: "yes" } : {}) },
      metadata: { [`m${p % 3}`]: String(p) },
    })
    profile.trackRows(rows)
    return profile.view()
  })

const chained = (views: ReadonlyArray<DatasetProfileView>): DatasetProfileView =>
  views.reduce((a, b) => a.merge(b))

const accumulated = (views: ReadonlyArray<DatasetProfileView>): DatasetProfileView => {
  const total = new ProfileAccumulator()
  for (const view of views) total.add(view)
  expect(total.count).toBe(views.length)
  return total.view()
}

/** Frequent items as a set, with the sketch's totals (the order of ties follows each one's hash table). */
const frequentContent = (column: ColumnProfileView) => {
  const metric = column.frequentItems
  if (metric === undefined) return undefined
  const sketch = metric.sketch()
  const items = metric.items("NO_FALSE_NEGATIVES").map((item) => JSON.stringify(item))
  return { items: items.sort(), total: sketch.totalWeight, error: sketch.maximumError }
}

/**
 * Everything is deterministic but the KLL coins and the order of items in a frequent-items hash table:
 * equal bit for bit, frequent items as a set. While the KLL sketches are exact (no compaction), their
 * bytes are equal too; past that they went through the same merges with different random coins, so
 * they agree on n, min and max, and each one's quantiles sit within the rank error in the other.
 */
const expectSameMerge = (a: DatasetProfileView, b: DatasetProfileView, exactKll: boolean): void => {
  expect(a.columnNames).toEqual(b.columnNames)
  expect([a.datasetTimestamp, a.creationTimestamp]).toEqual([b.datasetTimestamp, b.creationTimestamp])
  expect(a.tags).toEqual(b.tags)
  expect(a.metadata).toEqual(b.metadata)
  expect(a.segment?.toString()).toBe(b.segment?.toString())
  for (const name of a.columnNames) {
    const [x, y] = [a.getColumn(name) as ColumnProfileView, b.getColumn(name) as ColumnProfileView]
    expect(x.metricNames).toEqual(y.metricNames)
    expect(x.counts).toEqual(y.counts)
    expect(x.types).toEqual(y.types)
    expect(x.ints).toEqual(y.ints)
    // the same arithmetic in the same order: bit for bit
    expect([x.distribution?.mean, x.distribution?.m2]).toEqual([y.distribution?.mean, y.distribution?.m2])
    expect(x.cardinality?.hll.bytes()).toEqual(y.cardinality?.hll.bytes())
    expect(frequentContent(x)).toEqual(frequentContent(y))
    const [dx, dy] = [x.distribution, y.distribution]
    if (dx === undefined || dy === undefined) {
      expect(dx).toBe(dy)
    } else if (exactKll) {
      expect(dx.kll.bytes()).toEqual(dy.kll.bytes())
    } else {
      expect([dx.n, dx.min, dx.max]).toEqual([dy.n, dy.min, dy.max])
      const bound = 2 * dx.sketch().normalizedRankError()
      for (const rank of dx.n === 0 ? [] : [0.1, 0.5, 0.9]) {
        const q = dx.quantile(rank) as number
        const other = dy.sketch()
        expect(other.getRank(q) - bound).toBeLessThanOrEqual(rank)
        expect(other.getRank(q, { inclusive: true }) + bound).toBeGreaterThanOrEqual(rank)
      }
    }
  }
}

describe("ProfileAccumulator", () => {
  it("gives what chained merges give, KLL bytes too while the sketches are exact", () => {
    fc.assert(
      fc.property(fc.array(fc.array(row, { maxLength: 40 }), { minLength: 1, maxLength: 6 }), (batches) => {
        const views = viewsOf(batches)
        const merged = accumulated(views)
        expectSameMerge(merged, chained(views), true)
        expectSameMerge(DatasetProfileView.mergeAll(views), merged, true)
        // what it writes reads back as itself
        expectSameMerge(DatasetProfileView.deserialize(merged.serialize()), merged, true)
      }),
      { seed: 18, numRuns: 60 },
    )
  })

  it("gives what chained merges give past the exact range (KLL compaction, HLL mode, purges)", () => {
    const batches = Array.from({ length: 5 }, (_, p) =>
      Array.from({ length: 3000 }, (_, i) => ({
        i: (p * 3000 + i) * 7,
        f: Math.sin(p * 3000 + i) * 100,
        s: `item-${(i * (p + 1)) % 1500}`,
        b: i % 3 === 0,
      })),
    )
    const views = viewsOf(batches)
    expectSameMerge(accumulated(views), chained(views), false)
    // and through bytes, as a store reader does
    const fromBytes = new ProfileAccumulator()
    for (const view of views) fromBytes.addBytes(view.serialize())
    expectSameMerge(fromBytes.view(), chained(views), false)
  })

  it("gives one profile back as it is, and keeps segments only while every profile has the same", () => {
    const [a] = viewsOf([[{ i: 1, s: "x" }]])
    const one = new ProfileAccumulator().add(a as DatasetProfileView).view()
    expect(one.getColumn("i")).toBe(a?.getColumn("i"))
    expect(one.serialize()).toEqual(a?.serialize())
    const [x1, x2, y] = viewsOf([[{ i: 1 }], [{ i: 2 }], [{ i: 3 }]]).map(
      (view, p) =>
        new DatasetProfileView({ ...view, segment: new ProfileSegment(["k"], [p < 2 ? "x" : "y"]) }),
    ) as [DatasetProfileView, DatasetProfileView, DatasetProfileView]
    expect(accumulated([x1, x2]).segment?.toString()).toBe("k=x")
    expectSameMerge(accumulated([x1, x2]), chained([x1, x2]), true)
    expect(accumulated([x1, x2, y]).segment).toBeUndefined()
    expectSameMerge(accumulated([x1, y, x2]), chained([x1, y, x2]), true)
  })

  it("view() is a snapshot, and add() leaves what it was given unchanged", () => {
    const views = viewsOf([[{ i: 1, s: "x" }], [{ i: 2, s: "y" }], [{ i: 3, s: "x" }]])
    const inputs = views.map((v) => v.serialize())
    const total = new ProfileAccumulator()
      .add(views[0] as DatasetProfileView)
      .add(views[1] as DatasetProfileView)
    const first = total.view()
    const firstBytes = first.serialize()
    total.add(views[2] as DatasetProfileView)
    expect(first.serialize()).toEqual(firstBytes)
    expect(total.view().getColumn("i")?.counts?.n).toBe(3)
    expect(views.map((v) => v.serialize())).toEqual(inputs)
  })

  it("is all or nothing: bytes that are not a profile, or embeddings that cannot merge, change nothing", () => {
    const embedded = (references: Array<Array<number>>) => {
      const profile = new DatasetProfile({
        creationTimestamp: T0,
        datasetTimestamp: T0,
        embeddings: { e: { references, labels: ["p", "q"] } },
      })
      profile.track({ a: 1, e: [1, 0], z: 5 })
      return profile.view()
    }
    const total = new ProfileAccumulator().add(
      embedded([
        [1, 0],
        [0, 1],
      ]),
    )
    const before = total.view().serialize()
    // column "a" and "z" could merge, "e" cannot: nothing may change
    expect(() =>
      total.add(
        embedded([
          [1, 1],
          [0, 1],
        ]),
      ),
    ).toThrow(ProfileArgumentError)
    expect(() => total.addBytes(new TextEncoder().encode("not a profile"))).toThrow(ProfileFormatError)
    expect(total.count).toBe(1)
    expect(total.view().serialize()).toEqual(before)
  })

  it("combines tags and metadata as merge does, the later profile winning, any key kept as a key", () => {
    const tagged = (tags: Record<string, string>) =>
      new DatasetProfile({ creationTimestamp: T0, datasetTimestamp: T0, tags, metadata: tags }).view()
    const views = [
      tagged(JSON.parse('{"__proto__": "a", "k": "1"}')),
      tagged({ k: "2", only: "x" }),
      tagged(JSON.parse('{"__proto__": "c"}')),
    ]
    const merged = accumulated(views)
    expect(Object.getPrototypeOf(merged.tags)).toBe(Object.prototype)
    expect(Object.entries(merged.tags).sort()).toEqual([
      ["__proto__", "c"],
      ["k", "2"],
      ["only", "x"],
    ])
    expect(merged.metadata).toEqual(chained(views).metadata)
    expect(merged.tags).toEqual(chained(views).tags)
  })

  it("needs a profile: view() of an empty accumulator and mergeAll([]) are argument errors", () => {
    expect(() => new ProfileAccumulator().view()).toThrow(ProfileArgumentError)
    expect(() => DatasetProfileView.mergeAll([])).toThrow(ProfileArgumentError)
  })

  it("HLL sketches of other lgK merge as chained merges do, in any order", () => {
    const withHll = (lgK: number, from: number) => {
      const sketch = new HllSketch(lgK, "HLL_4")
      for (let i = from; i < from + 20_000; i++) sketch.updateInt64(i)
      const column = new ColumnProfileView({
        cardinality: new CardinalityMetric(SketchCell.ofSketch(hllCodec, sketch)),
      })
      return new DatasetProfileView({ columns: [["c", column]], datasetTimestamp: T0, creationTimestamp: T0 })
    }
    for (const order of [
      [12, 14, 16],
      [16, 14, 12],
      [14, 16, 12],
      [12, 16, 13],
    ]) {
      const views = order.map((lgK, p) => withHll(lgK, p * 10_000))
      const [a, b] = [accumulated(views), chained(views)]
      expect(a.getColumn("c")?.cardinality?.hll.bytes()).toEqual(b.getColumn("c")?.cardinality?.hll.bytes())
    }
  })
})
