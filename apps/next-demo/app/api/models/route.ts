import { models } from "@sketchlog/loan-model"
import { withSketchlog } from "@sketchlog/next"

/** Lists the models the API serves. */
export const GET = withSketchlog(() => Response.json({ models: [...models.values()].map((m) => m.card) }))
