import { categories, normals, whylogsVector } from "@sketchlog/test-fixtures"
import { describe, expect, it } from "vitest"
import { compareProfiles, DriftOptionsError, ksTest } from "../src/drift/index.js"
import { kolmogorovSurvival } from "../src/drift/internal/kolmogorov.js"
import { DatasetProfile, DatasetProfileView } from "../src/index.js"

const profileOf = (columns: Record<string, ReadonlyArray<unknown>>) => {
  const profile = new DatasetProfile({ datasetTimestamp: Date.UTC(2024, 0, 1) })
  profile.trackColumns(columns)
  return profile.view()
}

// Up to 1000 values per side a k = 1024 KLL sketch is exact, so every figure below is reproducible.
const N = 1000
const baseline = profileOf({
  amount: normals(11, N, 50, 10),
  channel: categories(12, N, { web: 5, app: 4, store: 1 }),
})

describe("drift verdicts on synthetic data with a known shift", () => {
  it("finds no drift between two samples of the same distributions", () => {
    const target = profileOf({
      amount: normals(21, N, 50, 10),
      channel: categories(22, N, { web: 5, app: 4, store: 1 }),
    })
    const drift = compareProfiles(baseline, target)
    const amount = drift.columns.find((c) => c.column === "amount")!
    expect(amount.kind).toBe("numeric")
    expect(amount.hellinger!.distance).toBeLessThan(0.15)
    expect(amount.ks!.pValue).toBeGreaterThan(0.15)
    expect(amount.verdict).toBe("NO_DRIFT")
    const channel = drift.columns.find((c) => c.column === "channel")!
    expect(channel.kind).toBe("categorical")
    expect(channel.hellinger!.distance).toBeLessThan(0.05)
    expect(channel.verdict).toBe("NO_DRIFT")
    expect(drift.verdict).toBe("NO_DRIFT")
    expect(drift.counts).toEqual({ NO_DRIFT: 2, POSSIBLE_DRIFT: 0, DRIFT: 0, untested: 0 })
  })

  it("finds drift in a mean shifted by two standard deviations, by both tests", () => {
    const target = profileOf({ amount: normals(31, N, 70, 10) })
    const amount = compareProfiles(baseline, target).columns.find((c) => c.column === "amount")!
    // Two normals 2σ apart: Hellinger² = 1 − e^{−1/2} ≈ 0.39, so H ≈ 0.63 before binning noise.
    expect(amount.hellinger!.distance).toBeGreaterThan(0.5)
    expect(amount.hellinger!.verdict).toBe("DRIFT")
    expect(amount.ks!.statistic).toBeGreaterThan(0.6)
    expect(amount.ks!.pValue).toBeLessThan(1e-50)
    expect(amount.ks!.verdict).toBe("DRIFT")
    expect(amount.verdict).toBe("DRIFT")
  })

  it("calls a small mean shift possible drift under Hellinger and drift under KS", () => {
    const target = profileOf({ amount: normals(41, N, 55, 10) })
    const amount = compareProfiles(baseline, target).columns.find((c) => c.column === "amount")!
    expect(amount.ks!.verdict).toBe("DRIFT")
    expect(amount.hellinger!.verdict).toBe("POSSIBLE_DRIFT")
    expect(amount.verdict).toBe("DRIFT")
  })

  it("finds drift when a new category takes a third of the values", () => {
    const target = profileOf({ channel: categories(51, N, { web: 5, app: 4, store: 1, kiosk: 5 }) })
    const drift = compareProfiles(baseline, target)
    const channel = drift.columns.find((c) => c.column === "channel")!
    expect(channel.hellinger!.distance).toBeGreaterThanOrEqual(0.4)
    expect(channel.verdict).toBe("DRIFT")
    // The baseline's numeric column is missing from this target.
    const amount = drift.columns.find((c) => c.column === "amount")!
    expect(amount.kind).toBe("baseline-only")
    expect(amount.verdict).toBeUndefined()
    expect(drift.counts).toEqual({ NO_DRIFT: 0, POSSIBLE_DRIFT: 0, DRIFT: 1, untested: 1 })
  })

  it("compares booleans by their shares, and says why a column could not be compared", () => {
    const a = profileOf({ flag: Array.from({ length: 100 }, (_, i) => i % 2 === 0), note: [{}, {}] })
    const b = profileOf({ flag: Array.from({ length: 100 }, (_, i) => i % 10 === 0), note: [{}], added: [1] })
    const drift = compareProfiles(a, b)
    const flag = drift.columns.find((c) => c.column === "flag")!
    expect(flag.kind).toBe("categorical")
    // 50/50 against 10/90.
    expect(flag.hellinger!.distance).toBeCloseTo(
      Math.sqrt(1 - Math.sqrt(0.5 * 0.1) - Math.sqrt(0.5 * 0.9)),
      12,
    )
    expect(drift.columns.find((c) => c.column === "note")).toMatchObject({ kind: "not-comparable" })
    expect(drift.columns.find((c) => c.column === "added")).toMatchObject({ kind: "target-only" })
  })
})

describe("drift thresholds", () => {
  const target = profileOf({ amount: normals(41, N, 55, 10) })

  it("move the verdicts when changed", () => {
    const strict = compareProfiles(baseline, target, { hellinger: { drift: 0.1 }, ks: { drift: 1e-300 } })
    const amount = strict.columns.find((c) => c.column === "amount")!
    expect(amount.hellinger!.verdict).toBe("DRIFT")
    expect(amount.ks!.verdict).toBe("POSSIBLE_DRIFT")
    expect(strict.thresholds.hellinger).toEqual({ possible: 0.1, drift: 0.1 })
    const lenient = compareProfiles(baseline, target, { hellinger: { possible: 0.9, drift: 0.95 } })
    expect(lenient.columns.find((c) => c.column === "amount")!.hellinger!.verdict).toBe("NO_DRIFT")
  })

  it("are checked, with a typed error naming the option", () => {
    expect(() => compareProfiles(baseline, target, { hellinger: { drift: 1.5 } })).toThrow(DriftOptionsError)
    expect(() => compareProfiles(baseline, target, { hellinger: { possible: 0.5, drift: 0.3 } })).toThrow(
      /hellinger\.possible/,
    )
    expect(() => compareProfiles(baseline, target, { ks: { possible: 0.01, drift: 0.05 } })).toThrow(
      /ks\.possible/,
    )
    expect(() => compareProfiles(baseline, target, { histogram: { maxBuckets: 0 } })).toThrow(
      /histogram\.maxBuckets/,
    )
  })
})

describe("the KS test", () => {
  it("reads a statistic close to the exact two-sample D and its p-value at m·n/(m+n)", () => {
    const a = normals(61, 600, 0, 1)
    const b = normals(62, 900, 0.3, 1)
    const view = (values: number[]) => profileOf({ x: values }).getColumn("x")!.distribution!.sketch()
    const result = ksTest(view(a), view(b))!
    // The exact D over every value; whylogs' statistic only looks at 100 quantiles of each side.
    const sortedA = [...a].sort((x, y) => x - y)
    const sortedB = [...b].sort((x, y) => x - y)
    const cdf = (sorted: number[], x: number) => sorted.filter((v) => v <= x).length / sorted.length
    const exact = Math.max(...[...a, ...b].map((x) => Math.abs(cdf(sortedA, x) - cdf(sortedB, x))))
    expect(result.statistic).toBeLessThanOrEqual(exact + 1e-12)
    expect(exact - result.statistic).toBeLessThan(0.02)
    expect(result.effectiveN).toBe(360)
    expect(result.pValue).toBe(kolmogorovSurvival(360, result.statistic))
  })
})

describe("whylogs-written profiles", () => {
  it("show no drift against themselves and drift against another dataset's columns", async () => {
    const mixed = await DatasetProfileView.read(whylogsVector("mixed_1k.bin"))
    const self = compareProfiles(mixed, mixed)
    expect(self.counts.DRIFT + self.counts.POSSIBLE_DRIFT).toBe(0)
    for (const column of self.columns) {
      if (column.hellinger !== undefined) expect(column.hellinger.distance).toBe(0)
      if (column.ks !== undefined) expect(column.ks.statistic).toBe(0)
    }
    const segmentA = await DatasetProfileView.read(whylogsVector("mixed_1k_seg_category=A.bin"))
    const segmentB = await DatasetProfileView.read(whylogsVector("mixed_1k_seg_category=B.bin"))
    const bySegment = compareProfiles(segmentA, segmentB)
    expect(bySegment.columns.find((c) => c.column === "category")!.verdict).toBe("DRIFT")
  })
})
