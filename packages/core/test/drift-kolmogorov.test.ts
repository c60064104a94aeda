import { describe, expect, it } from "vitest"
import { kolmogorovSurvival } from "../src/drift/internal/kolmogorov.js"

// scipy 1.17 `scipy.stats.kstwo.sf(d, n)` — what whylogs' KS drift test calls — at points chosen to hit
// every branch: the exact edges, the Durbin matrix, Miller's 2·smirnov, and Pelz–Good for large n.
const SCIPY: ReadonlyArray<readonly [n: number, d: number, sf: number]> = [
  [1, 0.7, 0.6000000000000001],
  [2, 0.4, 0.82],
  [5, 0.2, 0.9616],
  [5, 0.45, 0.19399374999999963],
  [5, 0.6, 0.03008000000000001],
  [10, 0.1, 0.99963712],
  [10, 0.25, 0.4841115325000003],
  [10, 0.41, 0.04932075782870493],
  [20, 0.15, 0.7044671549442872],
  [20, 0.3, 0.04306706665851623],
  [50, 0.12, 0.4337679661310233],
  [50, 0.2, 0.03143877776953241],
  [100, 0.05, 0.9532159710635725],
  [100, 0.1, 0.2526927570063874],
  [100, 0.13, 0.06209234069876253],
  [100, 0.2, 0.0005551927327988775],
  [100, 0.3, 1.7719869892662917e-8],
  [140, 0.11, 0.06252511429470399],
  [141, 0.11, 0.061026676517912715],
  [141, 0.2, 2.0276784223976912e-5],
  [500, 0.03, 0.7473166700457021],
  [500, 0.055, 0.093542838045104],
  [500, 0.07, 0.01416832020019071],
  [500, 0.1, 8.342293067263533e-5],
  [5000, 0.01, 0.6954557253913853],
  [5000, 0.019, 0.05341472616091414],
  [5000, 0.03, 0.00024159234422666817],
  [50000, 0.004, 0.3994316646755731],
  [50000, 0.006, 0.05442749636006261],
  [50000, 0.01, 9.018048811843602e-5],
  [200000, 0.002, 0.39995085369038097],
  [200000, 0.003, 0.0545369786611305],
  [200000, 0.005, 9.049367287273853e-5],
  [2000000, 0.0006, 0.46737858083717476],
  [2000000, 0.001, 0.03660662431970485],
  [2000000, 0.0015, 0.00024657290508461606],
  [30, 0.97, 4.11782264189309e-46],
]

describe("the Kolmogorov distribution behind whylogs' KS p-values", () => {
  it.each(SCIPY)("P(D_%i ≥ %f) agrees with scipy's kstwo.sf", (n, d, sf) => {
    const p = kolmogorovSurvival(n, d)
    // Relative agreement tightest where verdicts are decided (p from 1e-4 to 1).
    const tolerance = sf > 1e-3 ? 1e-9 : 1e-5
    expect(Math.abs(p - sf) / sf).toBeLessThan(tolerance)
  })

  it("is 1 at d ≤ 1/(2n) and 0 at d ≥ 1, and NaN for an unusable n", () => {
    expect(kolmogorovSurvival(30, 0.02)).toBe(1)
    expect(kolmogorovSurvival(30, 0)).toBe(1)
    expect(kolmogorovSurvival(30, 1)).toBe(0)
    expect(kolmogorovSurvival(0, 0.5)).toBeNaN()
    expect(kolmogorovSurvival(2.5, 0.5)).toBeNaN()
    expect(kolmogorovSurvival(10, Number.NaN)).toBeNaN()
  })

  it("decreases as the statistic grows, at every sample size", () => {
    for (const n of [3, 40, 140, 141, 1000, 150_000]) {
      let previous = 1
      for (let d = 0.001; d < 1; d += 0.007) {
        const p = kolmogorovSurvival(n, d)
        expect(p).toBeLessThanOrEqual(previous + 1e-12)
        previous = p
      }
    }
  })
})
