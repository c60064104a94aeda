/**
 * Runs the demo API alone: `pnpm --filter @sketchlog/express-demo start` (PORT, HOST from the
 * environment; profiles go to SKETCHLOG_PROFILE_DIR or ./sketchlog-profiles). Ctrl-C writes the
 * profiles and exits.
 */
import { start } from "./server.js"

const demo = await start(Number(process.env.PORT ?? 3000), process.env.HOST ?? "127.0.0.1")
console.log(`loan-scoring API on ${demo.url} (try: curl ${demo.url}/v1/models)`)
console.log(`profiles go to ${demo.profiling.profiler.profileDir ?? "the platform"}`)
const stop = async () => {
  await demo.close()
  process.exit(0)
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
