// Per-request counts of the Express bench's servers (bare Express, Express + sketchlog), figures other
// load on the machine does not move: `callgrind` (instructions under valgrind, every thread; long run
// minus short run) or `allocations` (bytes, from --trace-gc-nvp).
// Run: pnpm bench:express:callgrind | pnpm bench:express:allocations   (CALLGRIND_VARIANTS / ALLOC_VARIANTS
// =bare,sketchlog,sketchlog-worker, …_ROUTES=json, …_WARMUP, CALLGRIND_SHORT=300 CALLGRIND_LONG=1500,
// ALLOC_REQUESTS=20000; see test-fixtures' printPerRequestCounts)
import { fileURLToPath } from "node:url"
import { type PerRequestMeasure, printPerRequestCounts } from "@sketchlog/test-fixtures/bench"
import { routes } from "./routes.js"

await printPerRequestCounts(
  process.argv[2] as PerRequestMeasure,
  fileURLToPath(new URL("./express.ts", import.meta.url)),
  routes,
)
