import { randomUUID } from "node:crypto"
import { Injectable, NotFoundException } from "@nestjs/common"
import type { LoanApplication } from "./LoanApplication.js"
import { type LoanDecision, type LoanModel, type ModelCard, models } from "./LoanModel.js"

/** A decision as the API answers it, with the id `GET /v1/applications/:applicationId` finds it by. */
export type ScoredApplication = LoanDecision & { readonly application_id: string }

/** Decisions kept for `GET /v1/applications/:applicationId` (bounded: the oldest go first). */
const MAX_DECISIONS = 5_000

/** Scores applications with the served models and remembers the latest decisions. */
@Injectable()
export class ScoringService {
  readonly #decisions = new Map<string, ScoredApplication>()

  /** The cards of every served model. */
  cards(): ReadonlyArray<ModelCard> {
    return [...models.values()].map((m) => m.card)
  }

  /** The model `modelId`; 404 when it is not served. */
  model(modelId: string): LoanModel {
    const found = models.get(modelId)
    if (found === undefined) throw new NotFoundException("unknown model")
    return found
  }

  /** Scores one application with the model `modelId` and keeps the decision. */
  score(modelId: string, application: LoanApplication): ScoredApplication {
    const decision = { application_id: randomUUID(), ...this.model(modelId).score(application) }
    this.#decisions.set(decision.application_id, decision)
    if (this.#decisions.size > MAX_DECISIONS) this.#decisions.delete(this.#decisions.keys().next().value!)
    return decision
  }

  /** A decision made earlier; 404 when it is unknown or was forgotten. */
  decision(applicationId: string): ScoredApplication {
    const found = this.#decisions.get(applicationId)
    if (found === undefined) throw new NotFoundException("unknown application")
    return found
  }
}
