import { models } from "@sketchlog/loan-model"
import { withSketchlog } from "@sketchlog/next"

/** One model's card, or 404; the template `/api/models/[id]` is derived from the URL and the params. */
export const GET = withSketchlog(async (_request: Request, ctx: { params: Promise<{ id: string }> }) => {
  const found = models.get((await ctx.params).id)
  return found === undefined
    ? Response.json({ error: "unknown model" }, { status: 404 })
    : Response.json(found.card)
})
