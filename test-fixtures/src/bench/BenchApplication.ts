import { type LoanApplication, sampleApplication } from "@sketchlog/loan-model"

/**
 * The loan application the HTTP benches send: the loan model's `sampleApplication` with a fractional
 * income and another purpose, which is the body their published figures were measured with (a
 * fractional income profiles as a fractional column, so the body must not change between runs).
 */
export const benchApplication: LoanApplication = Object.freeze({
  ...sampleApplication,
  annual_income: 72000.5,
  purpose: "home_improvement",
})
