/**
 * @sketchlog/loan-model — the loan-scoring model behind the three demo APIs (Express, Nest, Next):
 * the application schema and its checks, the fixed models, a bounded log of decisions, and the
 * applicant population (and its drifted variant) that demo traffic draws from. Plain TypeScript with
 * no framework, so each demo shows only its own framework's code.
 */
export {
  applicant,
  pick,
  type Random,
  sampleApplication,
  seededRandom,
} from "./ApplicantPopulation.js"
export { DEFAULT_DECISIONS_KEPT, DecisionLog, type ScoredApplication } from "./DecisionLog.js"
export {
  employmentStatuses,
  type FieldProblem,
  homeOwnerships,
  type LoanApplication,
  loanPurposes,
  loanTerms,
  parseLoanApplication,
} from "./LoanApplication.js"
export { defaultModelId, type LoanDecision, LoanModel, type ModelCard, models } from "./LoanModel.js"
