import { projectConfig } from "../../vitest.shared.js"

// The end-to-end test builds the app with `next build` once (beforeAll) and serves it with `next start`.
export default projectConfig("next-demo", { test: { testTimeout: 60_000, hookTimeout: 240_000 } })
