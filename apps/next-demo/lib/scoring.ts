import { type LoanModel, parseLoanApplication, type ScoredApplication } from "@sketchlog/loan-model"
import { decisions } from "./Decisions"

/** What scoring one body gives: a decision, or the answer to send instead (400/422). */
export type ScoreOutcome =
  | { readonly ok: true; readonly decision: ScoredApplication }
  | { readonly ok: false; readonly status: number; readonly body: unknown }

/** Validates a parsed body and scores it with `model`; the decision is kept for look-up. */
export const scoreBody = (model: LoanModel, body: unknown): ScoreOutcome => {
  const parsed = parseLoanApplication(body)
  if (!parsed.ok)
    return { ok: false, status: 422, body: { error: "invalid application", problems: parsed.problems } }
  return { ok: true, decision: decisions().score(model, parsed.value) }
}

/** Reads a JSON request body; `undefined` when it is not valid JSON. */
export const readJson = async (request: Request): Promise<{ value: unknown } | undefined> => {
  try {
    return { value: await request.json() }
  } catch {
    return undefined
  }
}

/** The `POST .../score` answer for `model`: 200 with the decision, 400 for malformed JSON, 422 for invalid fields. */
export const scoreResponse = async (model: LoanModel, request: Request): Promise<Response> => {
  const body = await readJson(request)
  if (body === undefined) return Response.json({ error: "malformed JSON" }, { status: 400 })
  const outcome = scoreBody(model, body.value)
  return outcome.ok
    ? Response.json(outcome.decision)
    : Response.json(outcome.body, { status: outcome.status })
}
