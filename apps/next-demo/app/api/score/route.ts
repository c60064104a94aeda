import { defaultModelId, models } from "@sketchlog/loan-model"
import { withSketchlog } from "@sketchlog/next"
import { scoreResponse } from "../../../lib/scoring"

/** Scores one application with the default model; profiled, its route template derived (`/api/score`). */
export const POST = withSketchlog((request: Request) => scoreResponse(models.get(defaultModelId)!, request))
