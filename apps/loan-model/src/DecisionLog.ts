import type { LoanApplication } from "./LoanApplication.js"
import type { LoanDecision, LoanModel } from "./LoanModel.js"

/** A decision as the APIs answer it, with the id `GET …/applications/:id` finds it by. */
export type ScoredApplication = LoanDecision & { readonly application_id: string }

/** Decisions a log keeps by default. */
export const DEFAULT_DECISIONS_KEPT = 5_000

/**
 * The latest decisions, for the look-up route: scoring gives each one an id and keeps it; the log is
 * bounded (the oldest go first), so a long-running demo does not grow without end.
 */
export class DecisionLog {
  readonly #decisions = new Map<string, ScoredApplication>()

  constructor(readonly capacity: number = DEFAULT_DECISIONS_KEPT) {}

  /** Scores `application` with `model`, keeps the decision and returns it. */
  score(model: LoanModel, application: LoanApplication): ScoredApplication {
    // The Web Crypto global, so the same code runs in Node and in Next's bundles.
    const decision = { application_id: crypto.randomUUID(), ...model.score(application) }
    this.#decisions.set(decision.application_id, decision)
    if (this.#decisions.size > this.capacity) this.#decisions.delete(this.#decisions.keys().next().value!)
    return decision
  }

  /** A decision made earlier, if it is still kept. */
  find(applicationId: string): ScoredApplication | undefined {
    return this.#decisions.get(applicationId)
  }

  /** Decisions kept now. */
  get size(): number {
    return this.#decisions.size
  }
}
