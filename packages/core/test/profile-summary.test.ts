// One shape for a profile's summary: whylogs' to_pandas() keyed by column name, the same from
// summary() and from toJSON().columns (which only spells non-finite numbers as strings).
import { describe, expect, it } from "vitest"
import { DatasetProfile } from "../src/index.js"

const view = () => {
  const profile = new DatasetProfile({ datasetTimestamp: Date.UTC(2024, 0, 1) })
  profile.track({ age: 31, name: "ada", score: 0.5 })
  profile.track({ age: 45, name: "bob", score: Number.POSITIVE_INFINITY })
  profile.track({ age: 12, name: "ada", score: Number.NaN })
  return profile.view()
}

describe("a profile's summary", () => {
  it("is keyed by column name, in the profile's column order, each row whylogs' to_pandas() row", () => {
    const summary = view().summary()
    expect(Object.keys(summary)).toEqual(view().columnNames)
    expect(summary.age).toMatchObject({ type: "SummaryType.COLUMN", "counts/n": 3, "ints/max": 45 })
    expect(Object.keys(summary.age!)).toEqual(Object.keys(summary.age!).sort())
    expect(summary.name!["frequent_items/frequent_strings"]).toEqual([
      { value: "ada", est: 2, upper: 2, lower: 2 },
      { value: "bob", est: 1, upper: 1, lower: 1 },
    ])
  })

  it("is toJSON()'s columns, with NaN and ±Infinity spelled as strings", () => {
    const profile = view()
    const summary = profile.summary()
    const columns = profile.toJSON().columns as Record<string, Record<string, unknown>>
    expect(Object.keys(columns)).toEqual(Object.keys(summary))
    for (const [name, row] of Object.entries(summary)) {
      for (const [field, value] of Object.entries(row)) {
        const spelled = typeof value === "number" && !Number.isFinite(value) ? String(value) : value
        expect(columns[name]![field], `${name} ${field}`).toEqual(spelled)
      }
    }
    expect(columns.score!["distribution/max"]).toBe("Infinity")
    expect(JSON.parse(JSON.stringify(columns))).toEqual(columns)
  })

  it("holds a column named __proto__ as a column like any other", () => {
    const profile = new DatasetProfile()
    profile.track(JSON.parse('{"__proto__": 7, "a": 1}') as Record<string, unknown>)
    const summary = profile.view().summary()
    expect(Object.keys(summary)).toEqual(["__proto__", "a"])
    expect(Object.getPrototypeOf(summary)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(summary, "__proto__")?.value).toMatchObject({ "counts/n": 1 })
  })
})
