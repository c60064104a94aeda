import fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import { DatasetProfile } from "../src/index.js"
import { setRepeatShortcuts } from "../src/profile/internal/ColumnTracker.js"
import { withSeededMathRandom } from "./seededMathRandom.js"

const T0 = Date.UTC(2024, 0, 1)

/** The serialized profile of `columns`, tracked with the repeat shortcut on or off. */
const bytesOf = (
  columns: Record<string, ReadonlyArray<unknown>>,
  shortcut: boolean,
  schema?: Record<string, "integral" | "fractional" | "string" | "any">,
): Uint8Array => {
  setRepeatShortcuts(shortcut)
  try {
    // The same seed of the KLL coin for both paths makes the two profiles comparable byte for byte.
    return withSeededMathRandom(0x2545f491, () => {
      const profile = new DatasetProfile({ datasetTimestamp: T0, creationTimestamp: T0, schema })
      profile.trackColumns(columns)
      return profile.view().serialize()
    })
  } finally {
    setRepeatShortcuts(true)
  }
}

/** A value that repeats often: a small pool with the awkward cases (signed zeros, NaN, infinities). */
const cell = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(0, -0, 1, 2, 200, 404, 2.5, -2.5) },
  { weight: 2, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
  { weight: 4, arbitrary: fc.constantFrom("GET", "POST", "", "application/json") },
  { weight: 3, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constantFrom(null, undefined) },
  { weight: 1, arbitrary: fc.constantFrom(3n, 2n ** 70n, { a: 1 }, [1, 2]) },
  { weight: 2, arbitrary: fc.integer({ min: -5000, max: 5000 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
)

/** Runs of one value, as HTTP columns give them. */
const runs = fc
  .array(fc.tuple(cell, fc.integer({ min: 1, max: 12 })), { maxLength: 60 })
  .map((parts) => parts.flatMap(([value, n]) => Array.from({ length: n }, () => value)))

afterEach(() => setRepeatShortcuts(true))

describe("the repeat shortcut of column tracking", () => {
  it("gives byte-identical profiles to tracking every value in full (runs of mixed values)", () => {
    fc.assert(
      fc.property(runs, runs, runs, (a, b, c) => {
        const columns = { a, b, c }
        const schema = { c: "fractional" as const }
        expect(bytesOf(columns, true, schema)).toEqual(bytesOf(columns, false, schema))
      }),
      { numRuns: 300 },
    )
  })

  it("stays exact when the frequent-items sketch purges inside runs (more distinct items than it holds)", () => {
    // About 3,000 distinct strings and integers with runs between them: the sketch (768 counters)
    // purges many times, some of them on the very insertion that starts a run.
    const strings: Array<unknown> = []
    const ints: Array<unknown> = []
    let state = 7
    for (let i = 0; i < 20_000; i++) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      const draw = state >>> 0
      const runLength = draw % 4 === 0 ? 1 + (draw % 7) : 1
      for (let k = 0; k < runLength; k++) {
        strings.push(`v${draw % 3000}`)
        ints.push(draw % 3000)
      }
    }
    const columns = { s: strings, i: ints }
    const fast = bytesOf(columns, true)
    expect(fast).toEqual(bytesOf(columns, false))
    setRepeatShortcuts(true)
    const profile = new DatasetProfile({ datasetTimestamp: T0, creationTimestamp: T0 })
    profile.trackColumns(columns)
    // The sketch did purge (its maximum error grew), so the case this test is about happened.
    expect(profile.view().getColumn("s")?.frequentItems?.sketch().maximumError).toBeGreaterThan(0)
  })

  it("keeps -0 and 0 apart in a fractional column, as full tracking does", () => {
    const columns = { x: [0, 0, -0, -0, 0, -0] }
    const fast = bytesOf(columns, true, { x: "fractional" })
    expect(fast).toEqual(bytesOf(columns, false, { x: "fractional" }))
    setRepeatShortcuts(true)
    const profile = new DatasetProfile({
      datasetTimestamp: T0,
      creationTimestamp: T0,
      schema: { x: "fractional" },
    })
    profile.trackColumns(columns)
    const items = profile.view().getColumn("x")?.summary()
    expect(items?.["frequent_items/frequent_strings"]).toBeUndefined() // fractional: no frequent items
    expect(items?.["counts/n"]).toBe(6)
  })

  it("counts a run's frequent-items weight once the run is read, before any view", () => {
    setRepeatShortcuts(true)
    const profile = new DatasetProfile({ datasetTimestamp: T0, creationTimestamp: T0 })
    profile.trackColumns({ route: Array.from({ length: 1000 }, () => "/v1/score") })
    const frequent = profile.view().getColumn("route")?.frequentItems
    const top = frequent?.items()[0]
    expect(top?.value).toBe("/v1/score")
    expect(top?.est).toBe(1000)
  })
})
