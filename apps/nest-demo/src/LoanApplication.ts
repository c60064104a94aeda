import { ValidationPipe } from "@nestjs/common"
import { IsBoolean, IsIn, IsInt, IsNumber, Max, Min } from "class-validator"

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

const finite = { allowNaN: false, allowInfinity: false }

/**
 * The features `POST /v1/score` takes: a dozen typed fields, as a credit model would. Invalid bodies
 * are answered 400 by `validLoanApplication` (and profiled like every other request).
 */
export class LoanApplication {
  @IsInt()
  @Min(18)
  @Max(120)
  readonly age!: number

  @IsNumber(finite)
  @Min(0)
  @Max(1e8)
  readonly annual_income!: number

  @IsNumber(finite)
  @Min(500)
  @Max(5e6)
  readonly loan_amount!: number

  @IsIn(loanTerms)
  readonly loan_term_months!: (typeof loanTerms)[number]

  @IsInt()
  @Min(300)
  @Max(850)
  readonly credit_score!: number

  @IsIn(employmentStatuses)
  readonly employment_status!: (typeof employmentStatuses)[number]

  @IsNumber(finite)
  @Min(0)
  @Max(80)
  readonly years_employed!: number

  @IsNumber(finite)
  @Min(0)
  @Max(10)
  readonly debt_to_income!: number

  @IsInt()
  @Min(0)
  @Max(200)
  readonly num_open_accounts!: number

  @IsInt()
  @Min(0)
  @Max(200)
  readonly num_delinquencies!: number

  @IsIn(homeOwnerships)
  readonly home_ownership!: (typeof homeOwnerships)[number]

  @IsIn(loanPurposes)
  readonly purpose!: (typeof loanPurposes)[number]

  @IsBoolean()
  readonly has_cosigner!: boolean
}

/**
 * The pipe of `@Body()` on the scoring routes. It names its type itself (`expectedType`) rather than
 * reading it from decorator metadata, so validation also runs under tools that do not emit that
 * metadata (tsx, esbuild, vitest without SWC). Unknown fields are ignored, as clients send extra ones.
 */
export const validLoanApplication = new ValidationPipe({
  expectedType: LoanApplication,
  transform: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
})
