/**
 * Runs the demo API alone: `pnpm --filter @sketchlog/express-demo start` (PORT, HOST from the
 * environment; profiles go to SKETCHLOG_STORE — s3://bucket/prefix or a directory — else
 * SKETCHLOG_PROFILE_DIR or ./sketchlog-profiles). Ctrl-C or SIGTERM writes the profiles and exits.
 */
import { displayUrl } from "@sketchlog/core/store"
import { start } from "./server.js"

const demo = await start(Number(process.env.PORT ?? 3000), process.env.HOST ?? "127.0.0.1")
console.log(`loan-scoring API on ${demo.url} (try: curl ${demo.url}/v1/models)`)
const store = process.env.SKETCHLOG_STORE
console.log(
  `profiles go to ${store === undefined || store === "" ? (demo.profiling.profiler.profileDir ?? "the platform") : `the store ${displayUrl(store)}`}`,
)
const stop = async () => {
  await demo.close()
  process.exit(0)
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
