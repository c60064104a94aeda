import { describe, expect, it } from "vitest"
import { DatasetProfile, DatasetProfileView } from "../src/index.js"
import { walkProfile } from "./profileLayoutWalker.js"
import {
  dataColumns,
  expectField,
  revive,
  schemaOf,
  type VectorData,
  type VectorRaw,
  type VectorSummary,
  vectorBytes,
  vectorJson,
} from "./profileVectorData.js"

const profiles = [
  "tiny_10",
  "mixed_1k",
  "mixed_1k_seg_category=A",
  "mixed_1k_seg_category=B",
  "mixed_1k_seg_category=C",
] as const

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex")

/** Walked columns as sorted plain data (sketch bytes as hex), for deep comparison. */
const comparable = (columns: ReturnType<typeof walkProfile>["columns"]) =>
  Object.fromEntries(
    Array.from(columns, ([name, components]) => [
      name,
      Object.fromEntries(
        Array.from(components)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([path, c]) => [
            path,
            { ...c, value: c.value instanceof Uint8Array ? hex(c.value) : c.value },
          ]),
      ),
    ]),
  )

describe("reading whylogs 1.6 profiles", () => {
  for (const name of profiles) {
    it(`${name}.bin gives whylogs' columns, metrics and summary values`, () => {
      const expected = vectorJson<VectorSummary>(`${name}.summary.json`)
      const view = DatasetProfileView.deserialize(vectorBytes(`${name}.bin`))
      expect(view.columnNames).toEqual(Object.keys(expected.columns).sort())
      expect(view.datasetTimestamp).toBe(expected.dataset_timestamp.epoch_ms)
      expect(view.creationTimestamp).toBe(expected.creation_timestamp.epoch_ms)
      for (const [name, row] of Object.entries(view.summary())) {
        const column = expected.columns[name]
        if (column === undefined) throw new Error(`unexpected column ${name}`)
        expect(view.getColumn(name)?.metricNames).toEqual(column.metrics)
        expect(row.type).toBe("SummaryType.COLUMN")
        const { type: _type, ...fields } = row
        expect(Object.keys(fields).sort()).toEqual(Object.keys(column.summary).sort())
        for (const [field, value] of Object.entries(column.summary)) {
          expectField(`${name} ${name} ${field}`, fields[field], value)
        }
      }
    })

    it(`${name}.bin keeps every stored component (raw.json) and its header`, () => {
      const raw = vectorJson<VectorRaw>(`${name}.raw.json`)
      const expected = vectorJson<VectorSummary>(`${name}.summary.json`)
      const bytes = vectorBytes(`${name}.bin`)
      const view = DatasetProfileView.deserialize(bytes)
      // Our own output, walked by the independent layout reader, holds exactly whylogs' components.
      const ours = walkProfile(view.serialize())
      expect(ours.trailing).toBe(0)
      for (const [column, components] of Object.entries(raw.columns)) {
        const walked = ours.columns.get(column)
        expect(walked, column).toBeDefined()
        expect(Array.from(walked?.keys() ?? []).sort()).toEqual(Object.keys(components).sort())
        for (const [path, component] of Object.entries(components)) {
          const mine = walked?.get(path)
          expect(mine?.typeId, `${column} ${path}`).toBe(component.type_id)
          expect(mine?.field, `${column} ${path}`).toBe(component.field)
          // (raw.json's JSON numbers are doubles: int64 sentinels compare as the nearest double)
          if (component.field === "n") expect(Number(mine?.value), `${column} ${path}`).toBe(component.value)
          else if (component.field === "d")
            expect(mine?.value, `${column} ${path}`).toEqual(revive(component.value))
          else
            expect(hex(mine?.value as Uint8Array), `${column} ${path}`).toBe(
              (component.value as { hex: string }).hex,
            )
        }
      }
      // Header: tags, metadata (segment tags live in view.segment), paths, timestamps.
      expect(Object.fromEntries(ours.paths)).toEqual(
        Object.fromEntries(
          Object.entries(expected.header.indexed_metric_paths).map(([k, v]) => [Number(k), v]),
        ),
      )
      expect(Object.fromEntries(ours.tags)).toEqual(expected.header.tags)
      expect(Object.fromEntries(ours.metadata)).toEqual(expected.header.properties_metadata)
      expect(ours.hasSegments).toBe(expected.header.has_segments)
      expect(Object.fromEntries(ours.segmentOffsets)).toEqual(
        Object.fromEntries(
          Object.entries(expected.header.segment_offsets).map(([k, v]) => [Number(k), BigInt(v)]),
        ),
      )
      expect(ours.length).toBe(BigInt(expected.header.length))
      expect(ours.datasetTimestamp).toBe(BigInt(expected.dataset_timestamp.epoch_ms))
      // whylogs' file and ours carry the same chunk bytes per column (map entry order aside).
      expect(comparable(walkProfile(bytes).columns)).toEqual(comparable(ours.columns))
    })
  }

  it("segmented files expose their segment", () => {
    const view = DatasetProfileView.deserialize(vectorBytes("mixed_1k_seg_category=B.bin"))
    expect(view.segment?.columns).toEqual(["category"])
    expect(view.segment?.values).toEqual(["B"])
    expect(view.tags).toEqual({})
    expect(view.metadata.segp_col).toBe("category")
    expect(view.getColumn("category")?.counts?.n).toBe(292)
  })

  it("reads whylogs 1.0's file with the older KLL layout (preInts 5) and writes it in the 1.6 layout", () => {
    const expected = vectorJson<VectorSummary>("my_profile_064ba9e.read-legacy-kll.json")
    const bytes = vectorBytes("my_profile_064ba9e.bin")
    const view = DatasetProfileView.deserialize(bytes)
    expect(view.datasetTimestamp).toBe(expected.dataset_timestamp.epoch_ms)
    for (const [name, row] of Object.entries(view.summary())) {
      const column = expected.columns[name]
      if (column === undefined) throw new Error(`unexpected column ${name}`)
      expect(view.getColumn(name)?.metricNames).toEqual(column.metrics)
      for (const [field, value] of Object.entries(column.summary)) {
        expectField(`legacy ${name} ${field}`, row[field], value)
      }
    }
    const walked = walkProfile(view.serialize())
    const kll = walked.columns.get("col_1")?.get("distribution/kll")?.value as Uint8Array
    expect(kll[0]).toBe(6)
    expect(DatasetProfileView.deserialize(view.serialize()).summary()).toEqual(view.summary())
  })
})

describe("tracking whylogs' input data", () => {
  const exactlyAsWhylogs = (name: "tiny_10" | "mixed_1k", mixed: ReadonlyArray<string>) => {
    const data = vectorJson<VectorData>(`${name}.data.json`)
    const expected = vectorJson<VectorSummary>(`${name}.summary.json`)
    const raw = vectorJson<VectorRaw>(`${name}.raw.json`)
    const profile = new DatasetProfile({
      schema: schemaOf(data),
      datasetTimestamp: expected.dataset_timestamp.epoch_ms,
    })
    profile.trackColumns(dataColumns(data))
    const view = profile.view()
    expect(view.columnNames).toEqual(Object.keys(expected.columns).sort())
    for (const [name, row] of Object.entries(view.summary())) {
      const column = expected.columns[name]
      if (column === undefined) throw new Error(`unexpected column ${name}`)
      expect(view.getColumn(name)?.metricNames, name).toEqual(column.metrics)
      for (const [field, value] of Object.entries(column.summary)) {
        // In an object column, pandas keeps Python's 1 and 1.0 apart; JavaScript has one number.
        const dependsOnIntVsFloat =
          field.startsWith("cardinality/") ||
          field.startsWith("frequent_items/") ||
          field === "types/integral" ||
          field === "types/fractional"
        if (mixed.includes(name) && dependsOnIntVsFloat) continue
        expectField(`${name} ${name} ${field}`, row[field], value)
      }
      // whylogs hashes a batch's booleans as [1, 0] once, not in row order: only the estimate matches.
      const hasBooleans = (view.getColumn(name)?.types?.boolean ?? 0) > 0
      if (!mixed.includes(name) && !hasBooleans) {
        // Same values in the same order: HLL bytes (HIP estimate included) equal whylogs' bytes.
        const hll = raw.columns[name]?.["cardinality/hll"]?.value as { hex: string } | undefined
        if (hll !== undefined) {
          expect(hex(view.getColumn(name)?.cardinality?.hll.bytes() ?? new Uint8Array()), name).toBe(hll.hex)
        }
      }
    }
    return view
  }

  it("tiny_10: every summary field equals whylogs' (the mixed column up to int-vs-float)", () => {
    const view = exactlyAsWhylogs("tiny_10", ["e_mixed"])
    const mixed = view.getColumn("e_mixed")
    // 1, "1", 1.0, true, null, 2, "two", 2.5, false, null: JavaScript's 1.0 is the integer 1.
    expect(mixed?.types?.integral).toBe(3)
    expect(mixed?.types?.fractional).toBe(1)
    expect(mixed?.frequentItems?.items().find((item) => item.value === "1")?.est).toBe(3)
  })

  it("mixed_1k: every summary field equals whylogs' (mixed_obj up to int-vs-float)", () => {
    const view = exactlyAsWhylogs("mixed_1k", ["mixed_obj"])
    const types = view.getColumn("mixed_obj")?.types
    expect((types?.integral ?? 0) + (types?.fractional ?? 0)).toBe(205 + 204)
  })
})
