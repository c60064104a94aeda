import type { LoanDecision } from "./LoanModel"

/** A decision as the API stores and returns it. */
export type StoredDecision = LoanDecision & { readonly application_id: string }

/** Decisions kept for `GET /api/applications/[id]` (bounded: the oldest go first). */
const MAX_DECISIONS = 5_000

const slot = Symbol.for("sketchlog.next-demo.decisions")

/**
 * The decisions made so far. Kept on `globalThis` because Next bundles each route on its own, so a
 * module-level map would not be shared between the scoring routes and the look-up route.
 */
const decisions = (): Map<string, StoredDecision> => {
  const holder = globalThis as { [slot]?: Map<string, StoredDecision> }
  holder[slot] ??= new Map()
  return holder[slot]
}

/** Stores a decision for later look-up. */
export const rememberDecision = (decision: StoredDecision): void => {
  const all = decisions()
  all.set(decision.application_id, decision)
  if (all.size > MAX_DECISIONS) all.delete(all.keys().next().value!)
}

/** A decision made earlier, if it is still kept. */
export const findDecision = (applicationId: string): StoredDecision | undefined =>
  decisions().get(applicationId)
