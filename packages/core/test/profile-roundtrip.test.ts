import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { create, toBinary } from "@bufbuild/protobuf"
import { FrequentStringsSketch, HllSketch, KllDoublesSketch } from "@sketchlog/sketches"
import { Effect } from "effect"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import {
  ColumnProfileView,
  DatasetProfile,
  DatasetProfileView,
  ProfileFormatError,
  ProfileIOError,
} from "../src/index.js"
import * as NodeFileSystem from "../src/node/NodeFileSystem.js"
import { SegmentedDatasetProfile } from "../src/profile/index.js"
import { MetricComponentMessageSchema } from "../src/profile/internal/gen/whylogs/messages_pb.js"
import { walkProfile } from "./profileLayoutWalker.js"

const DAY = Date.UTC(2024, 0, 1)

/** A profile with every kind of column: each metric set, every value kind. */
const sampleProfile = (): DatasetProfile => {
  const profile = new DatasetProfile({
    datasetTimestamp: DAY,
    creationTimestamp: DAY + 1234,
    tags: Object.fromEntries([
      ["env", "test"],
      ["__proto__", "tag"],
    ]),
    metadata: { owner: "profiles", ünï: "cödé" },
  })
  for (let i = 0; i < 3000; i++) {
    const row: Record<string, unknown> = {
      id: i,
      price: i % 7 === 0 ? Number.NaN : (i * 0.37) % 91,
      name: `user-${i % 50}`,
      flag: i % 3 === 0,
      maybe: i % 4 === 0 ? null : i % 9,
      mixed: i % 5 === 0 ? "five" : i % 5 === 1 ? 1.5 : i % 5 === 2 ? true : i % 5 === 3 ? 7 : undefined,
      obj: i % 2 === 0 ? { a: i } : [1, 2, 3],
      big: BigInt(i) * 1_000_000_000_000n,
      "😀 col": "x",
      constructor: "c",
    }
    // An own "__proto__" key, as JSON.parse makes one.
    Object.defineProperty(row, "__proto__", {
      value: i,
      enumerable: true,
      writable: true,
      configurable: true,
    })
    profile.track(row)
  }
  return profile
}

const view = sampleProfile().view()
const bytes = view.serialize()

describe("whylogs v1 layout of what we write (walked field by field, independently of our reader)", () => {
  const walked = walkProfile(bytes)

  it("has the header fields FORMATS.md lists", () => {
    expect(Buffer.from(bytes.subarray(0, 4)).toString("ascii")).toBe("WHY1")
    // Unsegmented: the empty segment header, a single 0x00 length byte.
    expect(bytes[4]).toBe(0)
    expect(walked.hasSegments).toBe(false)
    expect(walked.datasetTimestamp).toBe(BigInt(DAY))
    expect(walked.creationTimestamp).toBe(BigInt(DAY + 1234))
    expect(Object.fromEntries(walked.tags)).toEqual(
      Object.fromEntries([
        ["env", "test"],
        ["__proto__", "tag"],
      ]),
    )
    expect(Object.fromEntries(walked.metadata)).toEqual({ owner: "profiles", ünï: "cödé" })
    expect(walked.trailing).toBe(0)
  })

  it("lists columns in sorted order at increasing offsets, each chunk a COLUMN of the stated length", () => {
    expect(Array.from(walked.columnOffsets.keys()).sort()).toEqual(view.columnNames.slice().sort())
    expect(view.columnNames).toEqual([...view.columnNames].sort())
    expect(walked.columns.size).toBe(view.columns.size)
  })

  it("indexes exactly the sorted set of metric paths in use", () => {
    const used = new Set<string>()
    for (const components of walked.columns.values()) for (const path of components.keys()) used.add(path)
    expect(Array.from(walked.paths.values()).sort()).toEqual(Array.from(used).sort())
    expect(walked.paths.get(0)).toBe("cardinality/hll")
  })

  it("stores every metric with whylogs' component kinds and type ids", () => {
    for (const [name, column] of view.columns) {
      const components = walked.columns.get(name)
      if (components === undefined) throw new Error(name)
      const n = (path: string) => components.get(path)?.value
      expect(n("counts/n")).toBe(BigInt(column.counts?.n ?? -1))
      expect(n("counts/null")).toBe(BigInt(column.counts?.null ?? -1))
      expect(n("counts/nan")).toBe(BigInt(column.counts?.nan ?? -1))
      expect(n("types/integral")).toBe(BigInt(column.types?.integral ?? -1))
      expect(n("types/tensor")).toBe(BigInt(column.types?.tensor ?? -1))
      if (column.ints) {
        expect(components.get("ints/min")).toEqual({ typeId: 1, field: "n", value: column.ints.min })
        expect(components.get("ints/max")).toEqual({ typeId: 2, field: "n", value: column.ints.max })
      }
      if (column.distribution) {
        expect(components.get("distribution/mean")?.value).toEqual(column.distribution.mean)
        expect(components.get("distribution/m2")?.field).toBe("d")
        const kllBytes = components.get("distribution/kll")?.value as Uint8Array
        const kll = KllDoublesSketch.fromBytes(kllBytes)
        expect(kllBytes[0]).toBeOneOf([2, 6]) // preInts: whylogs layout (2 empty/single, 6 full)
        expect(kll.n).toBe(column.distribution.n)
        if (kll.n > 0) {
          expect(kll.getQuantiles([0.1, 0.5, 0.9])).toEqual(
            [0.1, 0.5, 0.9].map((r) => column.distribution?.quantile(r)),
          )
        } else expect(column.distribution.quantile(0.5)).toBeNull()
      }
      if (column.cardinality) {
        const hll = HllSketch.fromBytes(components.get("cardinality/hll")?.value as Uint8Array)
        expect(hll.estimate).toBe(column.cardinality.estimate)
        expect(hll.targetType).toBe("HLL_4")
      }
      if (column.frequentItems) {
        const fi = FrequentStringsSketch.fromBytes(
          components.get("frequent_items/frequent_strings")?.value as Uint8Array,
        )
        expect(fi.getFrequentItems().map((row) => row.item)).toEqual(
          column.frequentItems.items().map((i) => i.value),
        )
      }
    }
  })

  it("gives each column whylogs' metric set for its type", () => {
    expect(view.getColumn("id")?.metricNames).toEqual([
      "cardinality",
      "counts",
      "distribution",
      "frequent_items",
      "ints",
      "types",
    ])
    expect(view.getColumn("price")?.metricNames).toEqual(["cardinality", "counts", "distribution", "types"])
    expect(view.getColumn("name")?.metricNames).toEqual([
      "cardinality",
      "counts",
      "distribution",
      "frequent_items",
      "types",
    ])
    expect(view.getColumn("obj")?.metricNames).toEqual(["counts", "types"])
    expect(view.getColumn("obj")?.types?.object).toBe(1500)
    expect(view.getColumn("obj")?.types?.tensor).toBe(1500)
    expect(view.getColumn("big")?.ints?.max).toBe(2999n * 1_000_000_000_000n)
  })
})

describe("round trips", () => {
  it("deserialize(serialize(view)) keeps every metric", () => {
    const again = DatasetProfileView.deserialize(bytes)
    expect(again.summary()).toEqual(view.summary())
    expect(again.toJSON()).toEqual(view.toJSON())
    expect(again.tags).toEqual(view.tags)
    expect(again.metadata).toEqual(view.metadata)
    expect(Object.keys(again.tags)).toContain("__proto__")
    expect(again.getColumn("__proto__")?.counts?.n).toBe(3000)
    expect(again.getColumn("😀 col")?.frequentItems?.items()).toEqual([
      { value: "x", est: 3000, upper: 3000, lower: 3000 },
    ])
    expect(again.serialize()).toEqual(bytes)
  })

  it("metric components sketchlog does not compute are carried through unchanged", () => {
    const custom = toBinary(
      MetricComponentMessageSchema,
      create(MetricComponentMessageSchema, { typeId: 7, value: { case: "n", value: 42n } }),
    )
    const base = view.getColumn("name") as ColumnProfileView
    const column = new ColumnProfileView(base, new Map([["unicode_range/digits", custom]]))
    const withCustom = new DatasetProfileView({ ...view, columns: new Map([["name", column]]) })
    const out = withCustom.serialize()
    expect(walkProfile(out).columns.get("name")?.get("unicode_range/digits")).toEqual({
      typeId: 7,
      field: "n",
      value: 42n,
    })
    const read = DatasetProfileView.deserialize(out)
    expect(read.getColumn("name")?.otherComponents.get("unicode_range/digits")).toEqual(custom)
    expect(read.getColumn("name")?.summary()).toEqual(base.summary())
    const merged = read.merge(read)
    expect(merged.getColumn("name")?.otherComponents.get("unicode_range/digits")).toEqual(custom)
  })

  it("a view is a snapshot: tracking more does not change it", () => {
    const profile = new DatasetProfile()
    profile.track({ a: 1 })
    const before = profile.view()
    profile.track({ a: 2 })
    expect(before.getColumn("a")?.counts?.n).toBe(1)
    expect(before.getColumn("a")?.distribution?.max).toBe(1)
    expect(profile.view().getColumn("a")?.counts?.n).toBe(2)
    // and copies handed out do not reach into the view
    before.getColumn("a")?.distribution?.sketch().update(100)
    expect(before.getColumn("a")?.distribution?.max).toBe(1)
  })

  it("empty profiles and empty columns survive", () => {
    const empty = new DatasetProfile({ datasetTimestamp: DAY, creationTimestamp: DAY }).view()
    expect(DatasetProfileView.deserialize(empty.serialize()).columns.size).toBe(0)
    const declaredProfile = new DatasetProfile({
      schema: { a: "integral", s: "string" },
      creationTimestamp: DAY,
    })
    declaredProfile.trackColumns({ a: [], s: [] }) // the columns occur, with no value yet
    const declared = declaredProfile.view()
    expect([...declared.columns.keys()]).toEqual(["a", "s"])
    const again = DatasetProfileView.deserialize(declared.serialize())
    expect(again.summary()).toEqual(declared.summary())
    expect(again.getColumn("a")?.summary()["distribution/median"]).toBeNull()
    expect(again.getColumn("a")?.summary()["ints/min"]).toBe(2 ** 63) // whylogs' sys.maxsize sentinel, as the nearest double
  })

  it("a declared type applies when its column occurs; a declared column that never occurs is not in the profile", () => {
    const profile = new DatasetProfile({
      schema: { amount: "fractional", body: "fractional" },
      maxColumns: 1,
    })
    profile.track({ status: 404 })
    profile.track({ status: 200, amount: 52000 })
    const view = profile.view()
    expect([...view.columns.keys()].sort()).toEqual(["amount", "status"])
    // 52000 is whole, yet the declared column is fractional (a KLL sketch and no ints); a declared
    // column also has its place beyond maxColumns.
    expect(view.getColumn("amount")?.summary()["types/fractional"]).toBe(1)
    expect(view.getColumn("amount")?.ints).toBeUndefined()
    expect(profile.droppedCells).toBe(0)
  })

  it("segmented views round-trip with whylogs' segment header", () => {
    const segmented = new SegmentedDatasetProfile({
      segmentOn: ["route"],
      creationTimestamp: DAY,
      datasetTimestamp: DAY,
    })
    for (let i = 0; i < 100; i++) segmented.track({ route: i % 2 === 0 ? "/a" : "/b", ms: i })
    for (const segmentView of segmented.views()) {
      const out = segmentView.serialize()
      const walked = walkProfile(out)
      expect(walked.hasSegments).toBe(true)
      expect(walked.segmentTags).toEqual(
        [["route", segmentView.segment?.values[0]]].map(([k, v]) => [`whylogs.tag.${k}`, v]),
      )
      expect(Object.fromEntries(walked.segmentOffsets)).toEqual({ 0: 9n })
      expect(Object.fromEntries(walked.tags)).toEqual({ "whylogs.tag.route": segmentView.segment?.values[0] })
      expect(walked.metadata.get("segp_col")).toBe("route")
      const again = DatasetProfileView.deserialize(out)
      expect(again.segment?.toString()).toBe(segmentView.segment?.toString())
      expect(again.summary()).toEqual(segmentView.summary())
      expect(again.serialize()).toEqual(out)
    }
  })
})

describe("files", () => {
  const dir = mkdtempSync(join(tmpdir(), "sketchlog-profile-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("write(path) then read(path)", async () => {
    const path = join(dir, "p.bin")
    await view.write(path)
    expect((await DatasetProfileView.read(path)).summary()).toEqual(view.summary())
  })

  it("the Effect versions work through FileSystem", async () => {
    const path = join(dir, "e.bin")
    const read = await Effect.runPromise(
      view
        .writeEffect(path)
        .pipe(Effect.zipRight(DatasetProfileView.readEffect(path)), Effect.provide(NodeFileSystem.layer)),
    )
    expect(read.summary()).toEqual(view.summary())
    const missing = await Effect.runPromise(
      Effect.flip(DatasetProfileView.readEffect(join(dir, "missing.bin"))).pipe(
        Effect.provide(NodeFileSystem.layer),
      ),
    )
    expect(missing._tag).toBe("ProfileIOError")
  })

  it("read of a missing file or a non-profile rejects with typed errors", async () => {
    await expect(DatasetProfileView.read(join(dir, "nope.bin"))).rejects.toBeInstanceOf(ProfileIOError)
    const text = join(dir, "text.bin")
    writeFileSync(text, "hello, not a profile")
    const error = await DatasetProfileView.read(text).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProfileFormatError)
    expect((error as ProfileFormatError).field).toBe("magic")
    expect((error as ProfileFormatError).offset).toBe(0)
  })
})

describe("bad bytes", () => {
  const small = (() => {
    const p = new DatasetProfile({ creationTimestamp: DAY })
    p.trackColumns({ a: [1, 2, 3], b: ["x", "y", null], c: [0.5, 1.5, Number.NaN] })
    return p.view().serialize()
  })()

  const outcome = (input: Uint8Array): "ok" | "format" => {
    try {
      DatasetProfileView.deserialize(input)
      return "ok"
    } catch (error) {
      if (error instanceof ProfileFormatError) return "format"
      throw error
    }
  }

  it("every truncation is a ProfileFormatError naming where", () => {
    for (let cut = 0; cut < small.length; cut++) {
      expect(outcome(small.subarray(0, cut)), `cut at ${cut}`).toBe("format")
    }
    const error = (() => {
      try {
        DatasetProfileView.deserialize(small.subarray(0, small.length - 3))
      } catch (e) {
        return e as ProfileFormatError
      }
    })()
    expect(error?.message).toMatch(/column "c"|ChunkMessage/)
    expect(error?.offset).toBeGreaterThan(4)
  })

  it("any corruption is read or rejected with a ProfileFormatError, never another error", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(small.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const copy = small.slice()
          for (const [at, value] of edits) copy[at] = value
          outcome(copy)
        },
      ),
      { numRuns: 400 },
    )
  })

  it("a header that points past the end is reported with its field", () => {
    const wrongMagic = small.slice()
    wrongMagic[0] = 0x58
    expect(() => DatasetProfileView.deserialize(wrongMagic)).toThrow(/magic/)
    expect(() =>
      DatasetProfileView.deserialize(new Uint8Array([0x57, 0x48, 0x59, 0x31, 0x00, 0x00])),
    ).toThrow(/DatasetProfileHeader/)
  })
})
