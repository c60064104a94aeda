import { ValidationPipe } from "@nestjs/common"
import {
  employmentStatuses,
  homeOwnerships,
  type LoanApplication as LoanApplicationFields,
  loanPurposes,
  loanTerms,
} from "@sketchlog/loan-model"
import { IsBoolean, IsIn, IsInt, IsNumber, Max, Min } from "class-validator"

const finite = { allowNaN: false, allowInfinity: false }

/**
 * The features `POST /v1/score` takes (`@sketchlog/loan-model`'s `LoanApplication`, with the same
 * bounds as its `parseLoanApplication`) as a class-validator DTO, Nest's way of checking a body.
 * Invalid bodies are answered 400 by `validLoanApplication` (and profiled like every other request).
 */
export class LoanApplication implements LoanApplicationFields {
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
