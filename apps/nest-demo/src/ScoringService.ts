import { Injectable, NotFoundException } from "@nestjs/common"
import {
  DecisionLog,
  type LoanApplication,
  type LoanModel,
  type ModelCard,
  models,
  type ScoredApplication,
} from "@sketchlog/loan-model"

/** Scores applications with the served models and remembers the latest decisions. */
@Injectable()
export class ScoringService {
  // Kept for `GET /v1/applications/:applicationId`.
  readonly #decisions = new DecisionLog()

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
    return this.#decisions.score(this.model(modelId), application)
  }

  /** A decision made earlier; 404 when it is unknown or was forgotten. */
  decision(applicationId: string): ScoredApplication {
    const found = this.#decisions.find(applicationId)
    if (found === undefined) throw new NotFoundException("unknown application")
    return found
  }
}
