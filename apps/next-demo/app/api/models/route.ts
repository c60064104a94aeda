import { withSketchlog } from "@sketchlog/next"
import { models } from "../../../lib/LoanModel"

/** Lists the models the API serves. */
export const GET = withSketchlog(() => Response.json({ models: [...models.values()].map((m) => m.card) }))
