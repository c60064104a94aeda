// The routes the Express benches load (`express.ts` at saturation, `callgrind.ts` by instruction count).
import { benchApplication } from "@sketchlog/test-fixtures/bench"

/** A 20-field request body, as a model-serving API receives: the benches' loan application and more. */
const jsonBody = JSON.stringify({
  applicant_id: "a-10293",
  ...benchApplication,
  region: "north-east",
  channel: "web",
  device: "mobile",
  marketing_opt_in: true,
  referral_code: "SPRING24",
  requested_at: "2025-03-14T09:26:53Z",
})

export const routes = {
  hello: { method: "GET", path: "/hello" },
  json: { method: "POST", path: "/json", body: jsonBody, headers: { "content-type": "application/json" } },
} as const
export type RouteName = keyof typeof routes
