import { defaultModelId, models } from "@sketchlog/loan-model"
import { scoreResponse } from "../../../../lib/scoring"

/**
 * `POST /api/score` without the wrapper, in the same build: `pnpm bench:next` compares the two, so
 * the difference is the wrapper's cost and nothing else.
 */
export const POST = (request: Request) => scoreResponse(models.get(defaultModelId)!, request)
