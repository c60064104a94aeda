import { describe, expect, it } from "vitest"
import { DatasetProfileView } from "../src/index.js"
import { SegmentedDatasetProfile } from "../src/profile/index.js"
import { walkProfile } from "./profileLayoutWalker.js"
import {
  dataColumns,
  expectField,
  schemaOf,
  type VectorData,
  type VectorSummary,
  vectorBytes,
  vectorJson,
} from "./profileVectorData.js"

const T0 = Date.UTC(2024, 0, 1)

describe("segmented profiles", () => {
  it("segmenting mixed_1k on category row by row gives whylogs' three segment files", () => {
    const data = vectorJson<VectorData>("mixed_1k.data.json")
    const columns = dataColumns(data)
    const names = Object.keys(columns)
    const segmented = new SegmentedDatasetProfile({
      segmentOn: ["category"],
      schema: schemaOf(data),
      datasetTimestamp: T0,
      creationTimestamp: T0,
    })
    for (let i = 0; i < data.n_rows; i++) {
      segmented.track(Object.fromEntries(names.map((name) => [name, columns[name]?.[i]])))
    }
    const views = segmented.views()
    expect(views.map((view) => view.segment?.toString()).sort()).toEqual([
      "category=A",
      "category=B",
      "category=C",
    ])
    for (const view of views) {
      const key = view.segment?.values[0]
      const file = `mixed_1k_seg_category=${key}`
      const expected = vectorJson<VectorSummary>(`${file}.summary.json`)
      for (const [name, row] of Object.entries(view.summary())) {
        const column = expected.columns[name]
        if (column === undefined) throw new Error(name)
        for (const [field, value] of Object.entries(column.summary)) {
          const intVsFloat = /^(cardinality|frequent_items)\/|^types\/(integral|fractional)$/.test(field)
          if (name === "mixed_obj" && intVsFloat) continue
          expectField(`${file} ${name} ${field}`, row[field], value)
        }
      }
      // Same header as whylogs' file: segment header, tags, segp metadata (ours lacks whylogs' own keys).
      const ours = walkProfile(view.serialize())
      const theirs = walkProfile(vectorBytes(`${file}.bin`))
      expect(ours.hasSegments).toBe(true)
      expect(ours.segmentTags).toEqual(theirs.segmentTags)
      expect(ours.segmentOffsets).toEqual(theirs.segmentOffsets)
      expect(ours.tags).toEqual(theirs.tags)
      for (const key of ["segp_id", "segp_name", "segp_col"])
        expect(ours.metadata.get(key)).toBe(theirs.metadata.get(key))
      expect(Array.from(ours.paths.values())).toEqual(
        Array.from({ length: theirs.paths.size }, (_, i) => theirs.paths.get(i)),
      )
      // and the first 4 + 38 bytes (magic and segment header) are byte-identical
      const a = view.serialize()
      const b = vectorBytes(`${file}.bin`)
      expect(Buffer.from(a.subarray(0, 42)).equals(Buffer.from(b.subarray(0, 42)))).toBe(true)
    }
  })

  it("caps segments: further keys go to one overflow segment, counted", () => {
    const segmented = new SegmentedDatasetProfile({
      segmentOn: ["user"],
      maxSegments: 3,
      creationTimestamp: T0,
    })
    for (let i = 0; i < 100; i++) segmented.track({ user: `u${i % 10}`, v: i })
    expect(segmented.segmentCount).toBe(3)
    expect(segmented.overflowRows).toBe(70)
    const views = segmented.views()
    expect(views.map((view) => view.segment?.values[0])).toEqual(["u0", "u1", "u2", "__overflow__"])
    expect(views.map((view) => view.getColumn("v")?.counts?.n)).toEqual([10, 10, 10, 70])
    const overflow = DatasetProfileView.deserialize((views[3] as DatasetProfileView).serialize())
    expect(overflow.segment?.tags).toEqual([{ key: "whylogs.tag.user", value: "__overflow__" }])
  })

  it("segments on several columns with whylogs' segp_cols", () => {
    const segmented = new SegmentedDatasetProfile({ segmentOn: ["route", "status"], creationTimestamp: T0 })
    segmented.trackRows([
      { route: "/a", status: 200, ms: 1 },
      { route: "/a", status: 500, ms: 2 },
      { route: "/a", status: 200, ms: 3 },
      { route: "/b", ms: 4 },
    ])
    const views = segmented.views()
    expect(views.map((view) => view.segment?.toString())).toEqual([
      "route=/a,status=200",
      "route=/a,status=500",
      "route=/b,status=None",
    ])
    const walked = walkProfile((views[0] as DatasetProfileView).serialize())
    expect(walked.segmentTags).toEqual([
      ["whylogs.tag.route", "/a"],
      ["whylogs.tag.status", "200"],
    ])
    expect(walked.metadata.get("segp_cols")).toBe("(route)(status)")
    expect(views[0]?.getColumn("ms")?.counts?.n).toBe(2)
  })

  it("merging two views of one segment keeps it; of different segments drops it", () => {
    const make = () => new SegmentedDatasetProfile({ segmentOn: ["k"], creationTimestamp: T0 })
    const a = make()
    const b = make()
    a.trackRows([
      { k: "x", v: 1 },
      { k: "y", v: 2 },
    ])
    b.trackRows([{ k: "x", v: 3 }])
    const [ax, ay] = a.views() as [DatasetProfileView, DatasetProfileView]
    const [bx] = b.views() as [DatasetProfileView]
    expect(ax.merge(bx).segment?.toString()).toBe("k=x")
    expect(ax.merge(bx).getColumn("v")?.counts?.n).toBe(2)
    expect(ax.merge(ay).segment).toBeUndefined()
  })

  it("trackColumns sends each row of a batch to the segment track() would: mixed_1k gives the same three segments", () => {
    const data = vectorJson<VectorData>("mixed_1k.data.json")
    const columns = dataColumns(data)
    const names = Object.keys(columns)
    const options = {
      segmentOn: ["category"],
      schema: schemaOf(data),
      datasetTimestamp: T0,
      creationTimestamp: T0,
    }
    const byRow = new SegmentedDatasetProfile(options)
    for (let i = 0; i < data.n_rows; i++) {
      byRow.track(Object.fromEntries(names.map((name) => [name, columns[name]?.[i]])))
    }
    const byColumn = new SegmentedDatasetProfile(options)
    // In three batches, so a batch's rows spread over several segments and segments span batches.
    for (const [from, to] of [
      [0, 100],
      [100, 101],
      [101, data.n_rows],
    ] as const) {
      byColumn.trackColumns(Object.fromEntries(names.map((name) => [name, columns[name]!.slice(from, to)])))
    }
    const keyed = (profile: SegmentedDatasetProfile) =>
      new Map(profile.views().map((view) => [view.segment?.toString(), view]))
    const expected = keyed(byRow)
    const actual = keyed(byColumn)
    expect([...actual.keys()].sort()).toEqual(["category=A", "category=B", "category=C"])
    for (const [key, view] of expected) {
      const ours = actual.get(key)!
      // Same values in the same order per column: the same sketches, so the same summary.
      expect(ours.summary()).toEqual(view.summary())
    }
  })

  it("trackColumns: unequal lengths, a __proto__ column, a throwing key cell and the segment cap", () => {
    const segmented = new SegmentedDatasetProfile({ segmentOn: ["k"], maxSegments: 2, creationTimestamp: T0 })
    const keys = ["a", "b", "a", "c", "a"]
    const throwing = new Proxy(keys, {
      get: (target, property, receiver) => {
        if (property === "1") throw new Error("secret-in-getter")
        return Reflect.get(target, property, receiver)
      },
    })
    // fromEntries defines an own "__proto__" key: a column, not the prototype.
    const columns: Record<string, ArrayLike<unknown>> = Object.fromEntries([
      ["k", throwing],
      ["v", new Float64Array([1, 2, 3])], // shorter: rows 3 and 4 have no v
      ["__proto__", [10, 20, 30, 40, 50]],
    ])
    segmented.trackColumns(columns)
    const views = segmented.views()
    // a, then "[object]" (the cell whose getter threw), then c and later keys overflow.
    expect(views.map((view) => view.segment?.values[0])).toEqual(["a", "[object]", "__overflow__"])
    expect(segmented.overflowRows).toBe(1)
    expect(views.map((view) => view.getColumn("v")?.counts?.n ?? 0)).toEqual([2, 1, 0])
    expect(views.map((view) => view.getColumn("__proto__")?.counts?.n)).toEqual([3, 1, 1])
    expect(views.map((view) => view.getColumn("k")?.counts?.n)).toEqual([3, 1, 1])
    // The cell that threw counts as an object in its column, as DatasetProfile counts it.
    expect(views[1]?.getColumn("k")?.types?.object).toBe(1)
  })
})
