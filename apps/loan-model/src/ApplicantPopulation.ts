import { homeOwnerships, type LoanApplication, loanPurposes } from "./LoanApplication.js"

/** A source of uniform numbers in [0, 1). */
export type Random = () => number

/** A seeded uniform generator (mulberry32), so a demo run is reproducible. */
export const seededRandom = (seed: number): Random => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const normal = (r: Random, mean: number, sd: number): number => {
  const u = 1 - r()
  const v = r()
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}
const poisson = (r: Random, mean: number): number => {
  const limit = Math.exp(-mean)
  let k = 0
  let p = r()
  while (p > limit) {
    k++
    p *= r()
  }
  return k
}

/** One of `items`, drawn with the given weights. */
export const pick = <T>(r: Random, items: ReadonlyArray<readonly [T, number]>): T => {
  const total = items.reduce((s, [, w]) => s + w, 0)
  let x = r() * total
  for (const [item, w] of items) {
    x -= w
    if (x <= 0) return item
  }
  return items[items.length - 1]![0]
}
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits

/**
 * A realistic applicant from the population the model was trained on. With `drifted`, the population
 * has shifted the way a recession shifts it: incomes about 28% lower, credit scores 25 points lower,
 * more debt and delinquencies, and a new employment category (`gig_worker`) the model never saw in
 * training.
 */
export const applicant = (r: Random, drifted: boolean): LoanApplication => {
  const employment = pick<LoanApplication["employment_status"]>(
    r,
    drifted
      ? [
          ["employed", 0.46],
          ["self_employed", 0.11],
          ["unemployed", 0.07],
          ["student", 0.07],
          ["retired", 0.11],
          ["gig_worker", 0.18],
        ]
      : [
          ["employed", 0.62],
          ["self_employed", 0.12],
          ["unemployed", 0.05],
          ["student", 0.08],
          ["retired", 0.13],
        ],
  )
  const income = Math.exp(normal(r, Math.log(62_000), 0.45)) * (drifted ? 0.72 : 1)
  const working = employment !== "unemployed" && employment !== "student"
  return {
    age: Math.round(clamp(normal(r, employment === "retired" ? 68 : 40, 11), 18, 95)),
    annual_income: round(clamp(income, 0, 5_000_000), 2),
    loan_amount: round(clamp(Math.exp(normal(r, Math.log(15_000), 0.7)), 500, 2_000_000), 2),
    loan_term_months: pick(r, [
      [12, 0.1],
      [24, 0.2],
      [36, 0.4],
      [48, 0.1],
      [60, 0.2],
    ] as const),
    credit_score: Math.round(clamp(normal(r, drifted ? 665 : 690, 55), 300, 850)),
    employment_status: employment,
    years_employed: working ? round(clamp(-Math.log(1 - r()) * 6, 0, 50), 1) : 0,
    debt_to_income: round(clamp(normal(r, drifted ? 0.38 : 0.32, 0.12), 0, 2), 3),
    num_open_accounts: poisson(r, 5),
    num_delinquencies: poisson(r, drifted ? 0.55 : 0.3),
    home_ownership: pick(
      r,
      homeOwnerships.map((h, i) => [h, [0.38, 0.22, 0.36, 0.04][i]!] as const),
    ),
    purpose: pick(
      r,
      loanPurposes.map((p, i) => [p, [0.34, 0.16, 0.18, 0.1, 0.08, 0.14][i]!] as const),
    ),
    has_cosigner: r() < 0.12,
  }
}

/** One typical application (approved by `credit-v3`), for tests, benchmarks and `curl` examples. */
export const sampleApplication: LoanApplication = Object.freeze({
  age: 41,
  annual_income: 72000,
  loan_amount: 25000,
  loan_term_months: 60,
  credit_score: 712,
  employment_status: "employed",
  years_employed: 7.5,
  debt_to_income: 0.31,
  num_open_accounts: 5,
  num_delinquencies: 0,
  home_ownership: "mortgage",
  purpose: "car",
  has_cosigner: false,
})
