import { create, fromBinary, toBinary } from "@bufbuild/protobuf"
import { describe, expect, it } from "vitest"
import { ColumnProfileView, DatasetProfile, DatasetProfileView, ProfileArgumentError } from "../src/index.js"
import { EmbeddingMetric, SegmentedDatasetProfile } from "../src/profile/index.js"
import { MetricComponentMessageSchema } from "../src/profile/internal/gen/whylogs/messages_pb.js"
import { decodeNpyMatrix } from "../src/profile/internal/wire/NpyMatrix.js"
import { walkProfile } from "./profileLayoutWalker.js"

const DAY = Date.UTC(2024, 0, 1)

/** Three well separated centroids in 4-D; labels given out of order, as a user might. */
const centroids = {
  references: [
    [10, 0, 0, 0],
    [0, 10, 0, 0],
    [0, 0, 10, 0],
  ],
  labels: ["sports", "finance", "arts"],
}

/** A deterministic generator (no Math.random in tests). */
const lcg = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
  return seed / 2 ** 31
}

/** `count` vectors around `centre`, each coordinate within ±1. */
const around = (centre: ReadonlyArray<number>, count: number, random: () => number) =>
  Array.from({ length: count }, () => centre.map((x) => x + (random() * 2 - 1)))

const clustered = (distance: "cosine" | "euclidean") => {
  const random = lcg(7)
  const profile = new DatasetProfile({
    datasetTimestamp: DAY,
    creationTimestamp: DAY,
    embeddings: { emb: { ...centroids, distance } },
  })
  const vectors = [
    ...around([10, 0, 0, 0], 70, random),
    ...around([0, 10, 0, 0], 50, random),
    ...around([0, 0, 10, 0], 30, random),
  ]
  profile.trackColumns({ emb: vectors, id: vectors.map((_, i) => i) })
  return profile.view()
}

describe("embedding metric: nearest labels and distances", () => {
  for (const distance of ["cosine", "euclidean"] as const) {
    it(`counts each vector at its nearest centroid (${distance})`, () => {
      const metric = clustered(distance).getColumn("emb")?.embedding
      expect(metric).toBeInstanceOf(EmbeddingMetric)
      expect(metric?.labels).toEqual(["arts", "finance", "sports"])
      expect(metric?.nearestCounts()).toEqual({ arts: 30, finance: 50, sports: 70 })
      expect(metric?.n).toBe(150)
      expect(metric?.distance).toBe(distance)
      // Every vector's distance to each of the three references.
      for (const label of metric?.labels ?? []) expect(metric?.distanceTo(label)?.n).toBe(150)
    })
  }

  it("keeps the references in label order (whylogs sorts labels and permutes the rows)", () => {
    const metric = clustered("cosine").getColumn("emb")?.embedding
    expect(metric?.references).toEqual([
      [0, 0, 10, 0],
      [0, 10, 0, 0],
      [10, 0, 0, 0],
    ])
  })

  it("computes scikit-learn's cosine and euclidean distances", () => {
    const references = [
      [1, 0],
      [0, 2],
    ]
    const track = (distance: "cosine" | "euclidean", vector: number[]) => {
      const profile = new DatasetProfile({ embeddings: { v: { references, labels: ["x", "y"], distance } } })
      profile.track({ v: vector })
      return profile.view().getColumn("v")?.embedding
    }
    const euclidean = track("euclidean", [3, 4])
    expect(euclidean?.distanceTo("x")?.mean).toBeCloseTo(Math.sqrt(20), 12)
    expect(euclidean?.distanceTo("y")?.mean).toBeCloseTo(Math.sqrt(13), 12)
    expect(euclidean?.nearestCounts()).toEqual({ x: 0, y: 1 })
    const cosine = track("cosine", [3, 4])
    expect(cosine?.distanceTo("x")?.mean).toBeCloseTo(1 - 3 / 5, 12)
    expect(cosine?.distanceTo("y")?.mean).toBeCloseTo(1 - 4 / 5, 12)
    // A zero vector: scikit-learn normalises it to zero, so its similarity is 0 and its distance 1.
    const zero = track("cosine", [0, 0])
    expect(zero?.distanceTo("x")?.mean).toBe(1)
    expect(zero?.distanceTo("y")?.mean).toBe(1)
    // Ties go to the first label in sorted order, as numpy's argmin.
    expect(zero?.nearestCounts()).toEqual({ x: 1, y: 0 })
  })

  it("counts invalid rows by reason instead of throwing; nulls stay nulls", () => {
    const profile = new DatasetProfile({
      embeddings: { v: { references: [[1, 0, 0]], labels: ["only"], distance: "euclidean" } },
    })
    const revoked = Proxy.revocable([1, 2, 3], {})
    revoked.revoke()
    const cells: unknown[] = [
      [1, 2, 3],
      new Float32Array([0, 1, 0]),
      [1, 2], // wrong dimension
      [], // wrong dimension
      [1, Number.NaN, 3], // non-finite
      [1, Number.POSITIVE_INFINITY, 3], // non-finite
      "1,2,3", // not a vector
      [1, "2", 3], // not a vector of numbers
      { 0: 1, 1: 2, 2: 3, length: 3 }, // not an array
      5,
      [[1, 2, 3]], // a matrix, not a vector
      new BigInt64Array([1n, 2n, 3n]),
      revoked.proxy,
      null,
      undefined,
    ]
    for (const v of cells) profile.track({ v })
    const column = profile.view().getColumn("v")
    expect(column?.embedding?.n).toBe(2)
    expect(column?.embedding?.invalid).toEqual({ total: 11, malformed: 7, wrongDimension: 2, nonFinite: 2 })
    expect(column?.counts?.n).toBe(cells.length)
    expect(column?.counts?.null).toBe(2)
    expect(column?.summary()["embedding/invalid:counts/n"]).toBe(11)
  })

  it("rejects unusable options with the field that is wrong", () => {
    const bad = (embeddings: unknown) => () =>
      new DatasetProfile({ embeddings: embeddings as Record<string, never> })
    expect(bad({ e: { references: [] } })).toThrow(/embeddings\["e"\]\.references: must list/)
    expect(bad({ e: { references: [[1, 2], [3]] } })).toThrow(/references\[1\]: must hold 2 numbers/)
    expect(bad({ e: { references: [[1, Number.NaN]] } })).toThrow(/references\[0\]\[1\]: must be a finite/)
    expect(bad({ e: { references: [[1], [2]], labels: ["a"] } })).toThrow(/labels: must give one label/)
    expect(bad({ e: { references: [[1], [2]], labels: ["a", "a"] } })).toThrow(
      /labels\[1\]: "a" is given twice/,
    )
    expect(bad({ e: { references: [[1]], labels: ["a:b"] } })).toThrow(/labels\[0\]: must not contain/)
    expect(bad({ e: { references: [[1]], distance: "manhattan" } })).toThrow(/distance: must be "cosine"/)
    expect(
      () => new DatasetProfile({ schema: { e: "fractional" }, embeddings: { e: { references: [[1]] } } }),
    ).toThrow(ProfileArgumentError)
  })
})

describe("embedding metric: the whylogs layout", () => {
  const view = clustered("euclidean")
  const bytes = view.serialize()

  /** Every component path of the file, read by the test's own layout walker. */
  const components = () => {
    const layout = walkProfile(bytes)
    return { layout, paths: Array.from(layout.paths.values()) }
  }

  it("writes whylogs' component paths: <label>_distance and closest submetrics, references as .npy", () => {
    const { paths } = components()
    const embedding = paths.filter((p) => p.startsWith("embedding/")).sort()
    for (const label of ["arts", "finance", "sports"]) {
      for (const part of [
        "cardinality/hll",
        "counts/n",
        "counts/null",
        "distribution/kll",
        "distribution/mean",
        "distribution/m2",
        "types/fractional",
      ]) {
        expect(embedding).toContain(`embedding/${label}_distance:${part}`)
      }
    }
    for (const part of ["cardinality/hll", "counts/n", "frequent_items/frequent_strings", "types/string"]) {
      expect(embedding).toContain(`embedding/closest:${part}`)
    }
    // whylogs' closest submetric has no distribution, and the distances no frequent items.
    expect(embedding.some((p) => p.startsWith("embedding/closest:distribution/"))).toBe(false)
    expect(embedding.some((p) => /_distance:frequent_items\//.test(p))).toBe(false)
    expect(embedding).toContain("embedding/references")
    const { layout } = components()
    expect(layout.columns.get("emb")?.get("embedding/references")?.typeId).toBe(101)
  })

  it("writes only paths whylogs' multi-metric reader can split into known metrics and components", () => {
    // whylogs' EmbeddingMetric.from_protobuf pops `references`, then splits every other key once on
    // "/" and once on ":" and looks the namespace up among its registered metrics; anything else
    // makes it fail to read the whole profile.
    const standard: Record<string, ReadonlyArray<string>> = {
      counts: ["n", "null", "nan", "inf", "true"],
      types: ["integral", "fractional", "boolean", "string", "object", "tensor"],
      distribution: ["kll", "mean", "m2"],
      cardinality: ["hll"],
      frequent_items: ["frequent_strings"],
    }
    const { paths } = components()
    for (const path of paths.filter((p) => p.startsWith("embedding/"))) {
      const key = path.slice("embedding/".length)
      if (key === "references") continue
      const parts = key.split("/")
      expect(parts).toHaveLength(2)
      const [subAndType, component] = parts as [string, string]
      const names = subAndType.split(":")
      expect(names).toHaveLength(2)
      expect(standard[names[1] as string]).toContain(component)
    }
  })

  it("stores the references as the float64 matrix numpy writes, with type id 101", () => {
    const metric = view.getColumn("emb")?.embedding as EmbeddingMetric
    const again = DatasetProfileView.deserialize(bytes).getColumn("emb")?.embedding
    expect(again?.references).toEqual(metric.references)
    // The bytes as np.save writes them (checked against numpy 2.4: identical for a 2×3 matrix).
    const npy = Buffer.from(
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAPA/AAAAAAAA8D97FK5H4XqEP3sUrkfheoQ/exSuR+F6hD8=",
      "base64",
    )
    expect(decodeNpyMatrix(npy)).toEqual([
      [1, 1, 1],
      [0.01, 0.01, 0.01],
    ])
    const written = new ColumnProfileView({
      embedding: new EmbeddingMetric({
        submetrics: new Map(),
        references: [
          [1, 1, 1],
          [0.01, 0.01, 0.01],
        ],
      }),
    })
    const out = new DatasetProfileView({
      columns: [["e", written]],
      datasetTimestamp: 0,
      creationTimestamp: 0,
    })
    // With no labels the matrix cannot be lined up, so reading keeps it as bytes; they are numpy's.
    const read = DatasetProfileView.deserialize(out.serialize()).getColumn("e")?.embedding
    const raw = read?.otherComponents.get("references") as Uint8Array
    const message = fromBinary(MetricComponentMessageSchema, raw)
    expect(message.typeId).toBe(101)
    expect(message.value.case).toBe("serializedBytes")
    expect(Buffer.from(message.value.value as Uint8Array).equals(npy)).toBe(true)
  })
})

describe("embedding metric: round trip and merge", () => {
  it("reads back what it wrote: same summary, same labels, counts and invalid rows, same bytes", () => {
    const profile = new DatasetProfile({
      datasetTimestamp: DAY,
      creationTimestamp: DAY,
      embeddings: { emb: { ...centroids, distance: "cosine" } },
    })
    const random = lcg(3)
    for (const v of around([0, 10, 0, 0], 40, random)) profile.track({ emb: v, n: 1 })
    profile.track({ emb: [1, 2] })
    const view = profile.view()
    const bytes = view.serialize()
    const again = DatasetProfileView.deserialize(bytes)
    const metric = again.getColumn("emb")?.embedding
    expect(again.summary()).toEqual(view.summary())
    expect(metric?.labels).toEqual(["arts", "finance", "sports"])
    expect(metric?.nearestCounts()).toEqual({ arts: 0, finance: 40, sports: 0 })
    expect(metric?.invalid).toEqual({ total: 1, malformed: 0, wrongDimension: 1, nonFinite: 0 })
    // whylogs does not write the distance function: a profile read back does not know it.
    expect(metric?.distance).toBeUndefined()
    expect(Buffer.from(again.serialize()).equals(Buffer.from(bytes))).toBe(true)
    expect(view.getColumn("emb")?.summary()["embedding/finance_distance:counts/n"]).toBe(40)
  })

  it("merges submetric by submetric and refuses different references", () => {
    const a = clustered("euclidean")
    const merged = a.merge(DatasetProfileView.deserialize(a.serialize()))
    const metric = merged.getColumn("emb")?.embedding
    expect(metric?.nearestCounts()).toEqual({ arts: 60, finance: 100, sports: 140 })
    expect(metric?.distanceTo("arts")?.n).toBe(300)
    expect(metric?.distance).toBe("euclidean")
    const other = new DatasetProfile({ embeddings: { emb: { references: [[1, 2, 3, 4]], labels: ["x"] } } })
    other.track({ emb: [1, 2, 3, 4] })
    expect(() => a.merge(other.view())).toThrow(ProfileArgumentError)
  })

  it("keeps embedding components it does not read, and writes them back unchanged", () => {
    const view = clustered("cosine")
    const column = view.getColumn("emb") as ColumnProfileView
    const metric = column.embedding as EmbeddingMetric
    const extra = toBinary(
      MetricComponentMessageSchema,
      create(MetricComponentMessageSchema, { typeId: 7, value: { case: "n", value: 42n } }),
    )
    const odd = toBinary(
      MetricComponentMessageSchema,
      create(MetricComponentMessageSchema, { value: { case: "d", value: 0.5 } }),
    )
    const withExtras = new ColumnProfileView(
      {
        ...column,
        embedding: new EmbeddingMetric({ ...metric, otherComponents: new Map([["future", extra]]) }),
      },
      new Map([["custom/thing", odd]]),
    )
    const written = new DatasetProfileView({
      columns: [["emb", withExtras]],
      datasetTimestamp: DAY,
      creationTimestamp: DAY,
    }).serialize()
    const read = DatasetProfileView.deserialize(written).getColumn("emb")
    expect(read?.embedding?.otherComponents.get("future")).toEqual(extra)
    expect(read?.otherComponents.get("custom/thing")).toEqual(odd)
    expect(read?.embedding?.nearestCounts()).toEqual(metric.nearestCounts())
    // A submetric of a namespace sketchlog does not know stays inside its submetric.
    const future = new ColumnProfileView({}, new Map([["newmetric/x", extra]]))
    const withSub = new ColumnProfileView({
      embedding: new EmbeddingMetric({
        ...metric,
        submetrics: new Map([...metric.submetrics, ["zeta", future]]),
      }),
    })
    const bytes = new DatasetProfileView({
      columns: [["emb", withSub]],
      datasetTimestamp: DAY,
      creationTimestamp: DAY,
    }).serialize()
    const back = DatasetProfileView.deserialize(bytes)
    expect(
      back.getColumn("emb")?.embedding?.submetrics.get("zeta")?.otherComponents.get("newmetric/x"),
    ).toEqual(extra)
    expect(Buffer.from(back.serialize()).equals(Buffer.from(bytes))).toBe(true)
  })

  it("works in segmented profiles too", () => {
    const profile = new SegmentedDatasetProfile({
      segmentOn: ["lang"],
      embeddings: { emb: { ...centroids, distance: "euclidean" } },
    })
    profile.track({ lang: "en", emb: [10, 0, 0, 0] })
    profile.track({ lang: "fr", emb: [0, 0, 10, 0] })
    const counts = profile.views().map((v) => v.getColumn("emb")?.embedding?.nearestCounts())
    expect(counts).toEqual([
      { arts: 0, finance: 0, sports: 1 },
      { arts: 1, finance: 0, sports: 0 },
    ])
  })
})
