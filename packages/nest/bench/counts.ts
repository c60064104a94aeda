// Per-request counts of the Nest bench's servers (the nest-demo app without and with SessionModule), figures other
// load on the machine does not move: `callgrind` (instructions under valgrind, every thread; long run
// minus short run) or `allocations` (bytes, from --trace-gc-nvp).
// Run: pnpm bench:nest:callgrind | pnpm bench:nest:allocations   (CALLGRIND_VARIANTS / ALLOC_VARIANTS
// =bare,sketchlog,module-only, …_ROUTES="GET /v1/models/:modelId", …_WARMUP, CALLGRIND_SHORT=300 CALLGRIND_LONG=1500,
// ALLOC_REQUESTS=20000; see test-fixtures' printPerRequestCounts)
import { fileURLToPath } from "node:url"
import { type PerRequestMeasure, printPerRequestCounts } from "@sketchlog/test-fixtures/bench"
import { routes } from "./routes.js"

await printPerRequestCounts(
  process.argv[2] as PerRequestMeasure,
  fileURLToPath(new URL("./nest.ts", import.meta.url)),
  routes,
)
