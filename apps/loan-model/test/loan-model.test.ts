import { describe, expect, it } from "vitest"
import {
  applicant,
  DecisionLog,
  defaultModelId,
  models,
  parseLoanApplication,
  sampleApplication,
  seededRandom,
} from "../src/index.js"

const model = models.get(defaultModelId)!

describe("parseLoanApplication", () => {
  it("accepts a valid application and names every problem of an invalid one", () => {
    expect(parseLoanApplication({ ...sampleApplication, extra: "ignored" })).toEqual({
      ok: true,
      value: { ...sampleApplication, extra: "ignored" },
    })
    const { annual_income: _, ...missingIncome } = sampleApplication
    expect(parseLoanApplication({ ...missingIncome, age: 12.5, purpose: "yacht" })).toEqual({
      ok: false,
      problems: [
        { field: "age", problem: "an integer from 18 to 120" },
        { field: "annual_income", problem: "a number from 0 to 100,000,000" },
        {
          field: "purpose",
          problem: "one of debt_consolidation, home_improvement, car, education, medical, business",
        },
      ],
    })
    expect(parseLoanApplication([1])).toEqual({
      ok: false,
      problems: [{ field: "(body)", problem: "expected a JSON object" }],
    })
  })
})

describe("LoanModel", () => {
  it("approves the sample application and declines a risky one, naming what pulled it down", () => {
    expect(model.score(sampleApplication)).toMatchObject({
      model_id: "credit-v3",
      prediction: "approve",
      risk_band: "A",
    })
    const risky = model.score({
      ...sampleApplication,
      credit_score: 520,
      num_delinquencies: 4,
      employment_status: "unemployed",
    })
    expect(risky.prediction).toBe("decline")
    // credit score (520 − 680) / 40 = −4, delinquencies −0.55 × 4 = −2.2, unemployed −0.9
    expect(risky.top_factors).toEqual(["credit_score", "num_delinquencies", "employment_status"])
  })
})

describe("DecisionLog", () => {
  it("keeps the latest decisions by id, dropping the oldest beyond its capacity", () => {
    const log = new DecisionLog(2)
    const [a, b, c] = [1, 2, 3].map(() => log.score(model, sampleApplication))
    expect(new Set([a!.application_id, b!.application_id, c!.application_id]).size).toBe(3)
    expect(log.find(a!.application_id)).toBeUndefined()
    expect(log.find(c!.application_id)).toEqual(c)
    expect(log.size).toBe(2)
  })
})

describe("applicant population", () => {
  it("is reproducible per seed, always valid, and drifts as documented", () => {
    const draw = (drifted: boolean) => {
      const r = seededRandom(7)
      return Array.from({ length: 4000 }, () => applicant(r, drifted))
    }
    expect(draw(false)).toEqual(draw(false))
    const [base, drifted] = [draw(false), draw(true)]
    for (const a of [...base, ...drifted]) expect(parseLoanApplication(a).ok).toBe(true)
    const mean = (xs: ReadonlyArray<number>) => xs.reduce((s, x) => s + x, 0) / xs.length
    const income = (xs: typeof base) => mean(xs.map((a) => a.annual_income))
    const score = (xs: typeof base) => mean(xs.map((a) => a.credit_score))
    expect(income(drifted) / income(base)).toBeCloseTo(0.72, 1)
    expect(score(base) - score(drifted)).toBeGreaterThan(20)
    expect(base.some((a) => a.employment_status === "gig_worker")).toBe(false)
    expect(drifted.filter((a) => a.employment_status === "gig_worker").length / 4000).toBeCloseTo(0.18, 1)
  })
})
