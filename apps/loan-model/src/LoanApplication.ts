/** How an applicant is employed; `gig_worker` only appears once the demo's traffic drifts. */
export const employmentStatuses = [
  "employed",
  "self_employed",
  "unemployed",
  "student",
  "retired",
  "gig_worker",
] as const

/** How an applicant lives. */
export const homeOwnerships = ["rent", "own", "mortgage", "other"] as const

/** What the loan is for. */
export const loanPurposes = [
  "debt_consolidation",
  "home_improvement",
  "car",
  "education",
  "medical",
  "business",
] as const

/** Loan terms offered, in months. */
export const loanTerms = [12, 24, 36, 48, 60] as const

/** The features a scoring request carries: a dozen typed fields, as a credit model would take them. */
export interface LoanApplication {
  readonly age: number
  readonly annual_income: number
  readonly loan_amount: number
  readonly loan_term_months: (typeof loanTerms)[number]
  readonly credit_score: number
  readonly employment_status: (typeof employmentStatuses)[number]
  readonly years_employed: number
  readonly debt_to_income: number
  readonly num_open_accounts: number
  readonly num_delinquencies: number
  readonly home_ownership: (typeof homeOwnerships)[number]
  readonly purpose: (typeof loanPurposes)[number]
  readonly has_cosigner: boolean
}

/** One problem with a request body, as the demos' `422` answers list them. */
export interface FieldProblem {
  readonly field: string
  readonly problem: string
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max
const isNum = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Number.isFinite(v) && v >= min && v <= max
const isOneOf = <T extends string | number>(v: unknown, values: ReadonlyArray<T>): v is T =>
  values.includes(v as T)

/**
 * Checks a parsed body against the application schema: the application, or every problem found.
 * Unknown fields are ignored (clients send extra fields; the model does not use them).
 */
export const parseLoanApplication = (
  body: unknown,
): { ok: true; value: LoanApplication } | { ok: false; problems: Array<FieldProblem> } => {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, problems: [{ field: "(body)", problem: "expected a JSON object" }] }
  }
  const b = body as Record<string, unknown>
  const problems: Array<FieldProblem> = []
  const check = (field: string, ok: boolean, problem: string) => {
    if (!ok) problems.push({ field, problem })
  }
  check("age", isInt(b.age, 18, 120), "an integer from 18 to 120")
  check("annual_income", isNum(b.annual_income, 0, 1e8), "a number from 0 to 100,000,000")
  check("loan_amount", isNum(b.loan_amount, 500, 5e6), "a number from 500 to 5,000,000")
  check("loan_term_months", isOneOf(b.loan_term_months, loanTerms), `one of ${loanTerms.join(", ")}`)
  check("credit_score", isInt(b.credit_score, 300, 850), "an integer from 300 to 850")
  check(
    "employment_status",
    isOneOf(b.employment_status, employmentStatuses),
    `one of ${employmentStatuses.join(", ")}`,
  )
  check("years_employed", isNum(b.years_employed, 0, 80), "a number from 0 to 80")
  check("debt_to_income", isNum(b.debt_to_income, 0, 10), "a ratio from 0 to 10")
  check("num_open_accounts", isInt(b.num_open_accounts, 0, 200), "an integer from 0 to 200")
  check("num_delinquencies", isInt(b.num_delinquencies, 0, 200), "an integer from 0 to 200")
  check("home_ownership", isOneOf(b.home_ownership, homeOwnerships), `one of ${homeOwnerships.join(", ")}`)
  check("purpose", isOneOf(b.purpose, loanPurposes), `one of ${loanPurposes.join(", ")}`)
  check("has_cosigner", typeof b.has_cosigner === "boolean", "true or false")
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: b as unknown as LoanApplication }
}
