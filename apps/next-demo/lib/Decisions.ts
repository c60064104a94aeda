import { DecisionLog } from "@sketchlog/loan-model"

const slot = Symbol.for("sketchlog.next-demo.decisions")

/**
 * The decisions made so far, for `GET /api/applications/[id]`. Kept on `globalThis` because Next
 * bundles each route on its own, so a module-level log would not be shared between the scoring
 * routes and the look-up route.
 */
export const decisions = (): DecisionLog => {
  const holder = globalThis as { [slot]?: DecisionLog }
  holder[slot] ??= new DecisionLog()
  return holder[slot]
}
