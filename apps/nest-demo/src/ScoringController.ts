import { Body, Controller, Get, HttpCode, Inject, Param, Post } from "@nestjs/common"
import { defaultModelId } from "@sketchlog/loan-model"
import { type LoanApplication, validLoanApplication } from "./LoanApplication.js"
import { ScoringService } from "./ScoringService.js"

/**
 * The loan-scoring API: `POST /v1/score`, `POST /v1/models/:modelId/score`, `GET /v1/models`,
 * `GET /v1/models/:modelId`, `GET /v1/applications/:applicationId`. Every request, including the
 * ones validation turns away (400) and unknown ids (404), is profiled by `SessionModule`.
 */
@Controller("v1")
export class ScoringController {
  // Explicit tokens: the demo also runs under tsx, which emits no decorator metadata.
  constructor(@Inject(ScoringService) private readonly scoring: ScoringService) {}

  @Post("score")
  @HttpCode(200)
  score(@Body(validLoanApplication) application: LoanApplication) {
    return this.scoring.score(defaultModelId, application)
  }

  @Get("models")
  models() {
    return { models: this.scoring.cards() }
  }

  @Get("models/:modelId")
  model(@Param("modelId") modelId: string) {
    return this.scoring.model(modelId).card
  }

  @Post("models/:modelId/score")
  @HttpCode(200)
  scoreWith(@Param("modelId") modelId: string, @Body(validLoanApplication) application: LoanApplication) {
    return this.scoring.score(modelId, application)
  }

  @Get("applications/:applicationId")
  application(@Param("applicationId") applicationId: string) {
    return this.scoring.decision(applicationId)
  }
}
