/**
 * Runs the demo API alone: `pnpm --filter @sketchlog/nest-demo start` (PORT and HOST from the
 * environment; profiles go to SKETCHLOG_PROFILE_DIR or ./sketchlog-profiles). Ctrl-C writes the
 * profiles and exits.
 */
import type { HttpProfiler } from "@sketchlog/core/adapter"
import { SKETCHLOG_PROFILER } from "@sketchlog/nest"
import { createApp } from "./app.js"

const app = await createApp({ logger: ["log", "error", "warn"] })
await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? "127.0.0.1")
const url = await app.getUrl()
console.log(`loan-scoring API on ${url} (try: curl ${url}/v1/models)`)
console.log(`profiles go to ${app.get<HttpProfiler>(SKETCHLOG_PROFILER).profileDir ?? "the platform"}`)
