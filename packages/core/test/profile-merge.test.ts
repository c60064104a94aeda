import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type ColumnProfileView, DatasetProfile, type DatasetProfileView } from "../src/index.js"
import type { ColumnType } from "../src/profile/index.js"

const T0 = Date.UTC(2024, 0, 1)

const value = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.constantFrom({ a: 1 }, [1, 2], new Date(0)),
)

/** Rows over a fixed set of columns, each column drawing from the mixed value space. */
const rows = (maxLength: number) =>
  fc.array(
    fc.record({
      i: fc.integer({ min: -50, max: 50 }),
      f: fc.oneof(fc.double({ min: -100, max: 100, noNaN: true }), fc.constant(Number.NaN)),
      s: fc.constantFrom("a", "b", "c", "dd", ""),
      b: fc.boolean(),
      m: value,
    }),
    { maxLength },
  )

const schema: Record<string, ColumnType> = {
  i: "integral",
  f: "fractional",
  s: "string",
  b: "integral",
  m: "string",
}

const profileOf = (data: ReadonlyArray<Record<string, unknown>>, declared = true): DatasetProfileView => {
  const profile = new DatasetProfile({
    datasetTimestamp: T0,
    creationTimestamp: T0,
    ...(declared ? { schema } : {}),
  })
  profile.trackRows(data)
  return profile.view()
}

const close = (a: number, b: number): boolean =>
  Object.is(a, b) ||
  (Number.isNaN(a) && Number.isNaN(b)) ||
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))

/**
 * Two column views agree: exact metrics equal; mean and M2 equal up to rounding; sketches: KLL n,
 * min, max equal and quantiles equal (exact mode) or within rank error; HLL estimates within each
 * other's 3-sigma bounds; frequent items equal while no purge happened.
 */
const expectSameColumn = (where: string, a: ColumnProfileView, b: ColumnProfileView): void => {
  expect(a.metricNames, where).toEqual(b.metricNames)
  expect(a.counts, where).toEqual(b.counts)
  expect(a.types, where).toEqual(b.types)
  expect(a.ints, where).toEqual(b.ints)
  if (a.distribution && b.distribution) {
    const [x, y] = [a.distribution, b.distribution]
    expect(x.n, where).toBe(y.n)
    expect(x.min === y.min || Object.is(x.min, y.min), `${where} min`).toBe(true)
    expect(x.max === y.max || Object.is(x.max, y.max), `${where} max`).toBe(true)
    expect(close(x.mean, y.mean), `${where} mean ${x.mean} vs ${y.mean}`).toBe(true)
    expect(
      close(x.m2, y.m2) || Math.abs(x.m2 - y.m2) <= 1e-7 * Math.max(1, x.m2),
      `${where} m2 ${x.m2} vs ${y.m2}`,
    ).toBe(true)
    const exact = !x.sketch().isEstimationMode && !y.sketch().isEstimationMode
    for (const rank of [0.01, 0.25, 0.5, 0.75, 0.99]) {
      const qx = x.quantile(rank)
      const qy = y.quantile(rank)
      // (0 and -0 are one value to the sketch; which of them a quantile returns may differ)
      if (exact || qx === null || qy === null)
        expect(qx === qy || Object.is(qx, qy), `${where} q${rank} ${qx} ${qy}`).toBe(true)
      else {
        const sketch = y.sketch()
        const error = Math.abs(sketch.getRank(qx) - sketch.getRank(qy))
        expect(error, `${where} rank error at ${rank}`).toBeLessThanOrEqual(
          2 * sketch.normalizedRankError() + 2 / sketch.n,
        )
      }
    }
  }
  if (a.cardinality && b.cardinality) {
    const [x, y] = [a.cardinality, b.cardinality]
    expect(x.estimate, where).toBeGreaterThanOrEqual(y.lowerBound(3) - 1e-9)
    expect(x.estimate, where).toBeLessThanOrEqual(y.upperBound(3) + 1e-9)
  }
  if (a.frequentItems && b.frequentItems) {
    const order = (items: ReadonlyArray<{ value: string; est: number }>) =>
      items.map((i) => `${i.est}:${i.value}`).sort()
    if (a.frequentItems.sketch().maximumError === 0 && b.frequentItems.sketch().maximumError === 0) {
      expect(order(a.frequentItems.items()), where).toEqual(order(b.frequentItems.items()))
    }
  }
}

const expectSameProfile = (a: DatasetProfileView, b: DatasetProfileView): void => {
  expect(a.columnNames).toEqual(b.columnNames)
  for (const [name, column] of a.columns)
    expectSameColumn(name, column, b.getColumn(name) as ColumnProfileView)
  expect(a.datasetTimestamp).toBe(b.datasetTimestamp)
}

describe("merge laws (property tests)", () => {
  it("merge is commutative", () => {
    fc.assert(
      fc.property(rows(60), rows(60), (r1, r2) => {
        const [a, b] = [profileOf(r1, false), profileOf(r2, false)]
        expectSameProfile(a.merge(b), b.merge(a))
      }),
      { numRuns: 60 },
    )
  })

  it("merge is associative", () => {
    fc.assert(
      fc.property(rows(40), rows(40), rows(40), (r1, r2, r3) => {
        const [a, b, c] = [profileOf(r1, false), profileOf(r2, false), profileOf(r3, false)]
        expectSameProfile(a.merge(b).merge(c), a.merge(b.merge(c)))
      }),
      { numRuns: 50 },
    )
  })

  it("profile(rows1 ++ rows2) = merge(profile(rows1), profile(rows2))", () => {
    fc.assert(
      fc.property(rows(80), rows(80), (r1, r2) => {
        expectSameProfile(profileOf([...r1, ...r2]), profileOf(r1).merge(profileOf(r2)))
      }),
      { numRuns: 60 },
    )
  })

  it("holds past the sketches' exact range (KLL compaction, HLL estimation, frequent-items purges)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 500, max: 4000 }),
        (seed, split) => {
          let state = seed
          const next = () => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0
            return state / 2 ** 32
          }
          const data = Array.from({ length: 5000 }, () => ({
            i: Math.floor(next() * 20_000),
            f: next() * 100,
            s: `k${Math.floor(next() ** 3 * 3000)}`,
            b: next() < 0.3,
            m: next() < 0.5 ? Math.floor(next() * 10) : "x",
          }))
          expectSameProfile(
            profileOf(data),
            profileOf(data.slice(0, split)).merge(profileOf(data.slice(split))),
          )
        },
      ),
      { numRuns: 4 },
    )
  })

  it("merging with an empty profile changes nothing exact", () => {
    fc.assert(
      fc.property(rows(50), (r) => {
        const a = profileOf(r)
        expectSameProfile(a.merge(profileOf([])), a)
      }),
      { numRuns: 30 },
    )
  })

  it("keeps columns present on one side, the earlier timestamps, and combined metadata", () => {
    const a = new DatasetProfile({
      datasetTimestamp: T0 + 5,
      creationTimestamp: T0 + 9,
      metadata: { x: "1" },
    })
    a.track({ only_a: 1, both: 1 })
    const b = new DatasetProfile({ datasetTimestamp: T0, creationTimestamp: T0 + 10, metadata: { y: "2" } })
    b.track({ only_b: "s", both: 2 })
    const merged = a.view().merge(b.view())
    expect(merged.columnNames).toEqual(["both", "only_a", "only_b"])
    expect(merged.getColumn("both")?.counts?.n).toBe(2)
    expect(merged.getColumn("both")?.ints?.max).toBe(2n)
    expect(merged.datasetTimestamp).toBe(T0)
    expect(merged.creationTimestamp).toBe(T0 + 9)
    expect(merged.metadata).toEqual({ x: "1", y: "2" })
  })
})
