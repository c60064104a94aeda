import { models } from "@sketchlog/loan-model"
import { withSketchlog } from "@sketchlog/next"
import { scoreResponse } from "../../../../../lib/scoring"

/** Scores one application with the named model, or 404; the route template is given explicitly. */
export const POST = withSketchlog(
  async (request: Request, ctx: { params: Promise<{ id: string }> }) => {
    const found = models.get((await ctx.params).id)
    return found === undefined
      ? Response.json({ error: "unknown model" }, { status: 404 })
      : scoreResponse(found, request)
  },
  { route: "/api/models/[id]/score" },
)
