import { defaultModelId, models } from "@sketchlog/loan-model"
import { withSketchlogApi } from "@sketchlog/next"
import type { NextApiRequest, NextApiResponse } from "next"
import { scoreBody } from "../../../lib/scoring"

/**
 * `POST /api/legacy/score` — the scoring endpoint as a Pages Router API route, for clients that have
 * not moved to the App Router routes. Next parses the JSON body; the wrapper sees `req.body` and the
 * value given to `res.json`.
 */
export default withSketchlogApi((req: NextApiRequest, res: NextApiResponse) => {
  if (req.method !== "POST") {
    res.setHeader("allow", "POST")
    res.status(405).json({ error: "method not allowed" })
    return
  }
  const outcome = scoreBody(models.get(defaultModelId)!, req.body)
  if (outcome.ok) res.status(200).json(outcome.decision)
  else res.status(outcome.status).json(outcome.body)
})
