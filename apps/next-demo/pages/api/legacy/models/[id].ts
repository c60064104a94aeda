import { models } from "@sketchlog/loan-model"
import { withSketchlogApi } from "@sketchlog/next"
import type { NextApiRequest, NextApiResponse } from "next"

/** `GET /api/legacy/models/[id]`: the template is derived from the URL and the dynamic parameter. */
export default withSketchlogApi((req: NextApiRequest, res: NextApiResponse) => {
  const found = models.get(String(req.query.id))
  if (found === undefined) res.status(404).json({ error: "unknown model" })
  else res.status(200).json(found.card)
})
