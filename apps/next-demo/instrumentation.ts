import { register as registerSketchlog } from "@sketchlog/next"

/**
 * Called once per server process before the first request: opens a local sketchlog session and the
 * rolling logger every wrapped route profiles into (profiles go to SKETCHLOG_PROFILE_DIR, else
 * ./sketchlog-profiles). On the edge runtime it explains in one line that profiling is off.
 */
export async function register() {
  await registerSketchlog({
    datasetId: "loan-scoring",
    sessionOptions: { forceLocal: true },
    ignore: (exchange) => exchange.path === "/api/health",
  })
}
