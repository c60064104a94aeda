import type { LoanApplication } from "./LoanApplication.js"

/** A model the demo APIs serve. */
export interface ModelCard {
  readonly id: string
  readonly version: string
  readonly kind: "logistic-regression"
  readonly trainedAt: string
  readonly features: ReadonlyArray<string>
  readonly thresholds: { readonly approve: number; readonly review: number }
}

/** What scoring one application gives (the body of a score route's answer, with its id). */
export interface LoanDecision {
  readonly model_id: string
  readonly model_version: string
  readonly prediction: "approve" | "review" | "decline"
  /** Probability of repaying, 0..1. */
  readonly probability: number
  /** How far the probability is from the nearest decision threshold, scaled to 0..1. */
  readonly confidence: number
  readonly risk_band: "A" | "B" | "C" | "D" | "E"
  /** The features that pulled the score down the most. */
  readonly top_factors: ReadonlyArray<string>
  readonly latency_ms: number
}

const employmentWeight: Record<LoanApplication["employment_status"], number> = {
  employed: 0.45,
  self_employed: 0.1,
  retired: 0.2,
  student: -0.35,
  unemployed: -0.9,
  gig_worker: -0.15,
}

const purposeWeight: Record<LoanApplication["purpose"], number> = {
  debt_consolidation: -0.1,
  home_improvement: 0.15,
  car: 0.1,
  education: 0.05,
  medical: -0.2,
  business: -0.25,
}

/**
 * A small, fixed logistic-regression credit model: realistic enough that its outputs move when its
 * inputs drift, which is what the demo's profiles show.
 */
export class LoanModel {
  constructor(readonly card: ModelCard) {}

  score(a: LoanApplication): LoanDecision {
    const started = performance.now()
    const incomeK = a.annual_income / 1000
    const terms: Array<[string, number]> = [
      ["credit_score", (a.credit_score - 680) / 40],
      ["annual_income", Math.log1p(incomeK) - Math.log1p(65)],
      ["loan_amount", -(a.loan_amount / Math.max(a.annual_income, 1000)) * 1.6],
      ["debt_to_income", -(a.debt_to_income - 0.3) * 3.2],
      ["num_delinquencies", -0.55 * a.num_delinquencies],
      ["years_employed", 0.06 * Math.min(a.years_employed, 15)],
      ["employment_status", employmentWeight[a.employment_status]],
      ["purpose", purposeWeight[a.purpose]],
      ["loan_term_months", -(a.loan_term_months - 36) / 60],
      ["home_ownership", a.home_ownership === "own" ? 0.3 : a.home_ownership === "mortgage" ? 0.15 : 0],
      ["has_cosigner", a.has_cosigner ? 0.4 : 0],
      ["num_open_accounts", a.num_open_accounts > 12 ? -0.3 : 0.05 * Math.min(a.num_open_accounts, 6)],
      ["age", a.age < 23 ? -0.2 : 0],
    ]
    let z = 0.9
    for (const [, contribution] of terms) z += contribution
    const probability = 1 / (1 + Math.exp(-z))
    const { approve, review } = this.card.thresholds
    const prediction = probability >= approve ? "approve" : probability >= review ? "review" : "decline"
    const distance = Math.min(Math.abs(probability - approve), Math.abs(probability - review))
    const confidence = Math.min(1, distance / 0.25)
    const risk_band =
      probability >= 0.9
        ? "A"
        : probability >= 0.8
          ? "B"
          : probability >= 0.65
            ? "C"
            : probability >= 0.5
              ? "D"
              : "E"
    const top_factors = terms
      .filter(([, c]) => c < 0)
      .sort((x, y) => x[1] - y[1])
      .slice(0, 3)
      .map(([name]) => name)
    return {
      model_id: this.card.id,
      model_version: this.card.version,
      prediction,
      probability: round(probability, 4),
      confidence: round(confidence, 3),
      risk_band,
      top_factors,
      latency_ms: round(performance.now() - started, 3),
    }
  }
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** The models the demo APIs serve; `credit-v3` is the default. */
export const models: ReadonlyMap<string, LoanModel> = new Map(
  [
    new LoanModel({
      id: "credit-v3",
      version: "3.2.1",
      kind: "logistic-regression",
      trainedAt: "2024-11-04T00:00:00Z",
      features: [
        "age",
        "annual_income",
        "loan_amount",
        "loan_term_months",
        "credit_score",
        "employment_status",
        "years_employed",
        "debt_to_income",
        "num_open_accounts",
        "num_delinquencies",
        "home_ownership",
        "purpose",
        "has_cosigner",
      ],
      thresholds: { approve: 0.72, review: 0.5 },
    }),
    new LoanModel({
      id: "credit-v4-shadow",
      version: "4.0.0-rc.2",
      kind: "logistic-regression",
      trainedAt: "2025-02-17T00:00:00Z",
      features: [
        "age",
        "annual_income",
        "loan_amount",
        "credit_score",
        "debt_to_income",
        "num_delinquencies",
      ],
      thresholds: { approve: 0.75, review: 0.55 },
    }),
  ].map((m) => [m.card.id, m] as const),
)

/** The model the plain score route (`POST /v1/score`, Next's `POST /api/score`) uses. */
export const defaultModelId = "credit-v3"
