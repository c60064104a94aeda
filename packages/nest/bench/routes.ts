// The routes the Nest benches load (`nest.ts` at saturation, `callgrind.ts` by instruction count).
import { benchApplication } from "@sketchlog/test-fixtures/bench"

/** A realistic application, as the demo's traffic sends. */
const application = JSON.stringify(benchApplication)

export const routes = {
  "POST /v1/score": {
    method: "POST",
    path: "/v1/score",
    body: application,
    headers: { "content-type": "application/json" },
  },
  "GET /v1/models/:modelId": { method: "GET", path: "/v1/models/credit-v3" },
} as const
export type RouteName = keyof typeof routes
