import { withSketchlog } from "@sketchlog/next"
import { decisions } from "../../../../lib/Decisions"

/** A decision made earlier, or 404. */
export const GET = withSketchlog(async (_request: Request, ctx: { params: Promise<{ id: string }> }) => {
  const decision = decisions().find((await ctx.params).id)
  return decision === undefined
    ? Response.json({ error: "unknown application" }, { status: 404 })
    : Response.json(decision)
})
