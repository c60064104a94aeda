// Bytes allocated per request by the Express bench's servers (V8's --trace-gc-nvp), bare Express against
// Express + sketchlog: the allocation behind young-generation collections, and so behind p99 pauses.
// Run: pnpm bench:express:allocations   (ALLOC_VARIANTS=bare,sketchlog,sketchlog-worker ALLOC_ROUTES=json
// ALLOC_WARMUP=5000 ALLOC_REQUESTS=20000 to change the run)
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type AllocationCount, countAllocations, printAllocationCounts } from "@sketchlog/test-fixtures/bench"
import { routes } from "./routes.js"

const routeNames = (process.env.ALLOC_ROUTES ?? "hello,json").split(",") as Array<keyof typeof routes>
const profileDir = mkdtempSync(join(tmpdir(), "sketchlog-alloc-express-"))
try {
  const counts: Array<AllocationCount> = []
  for (const variant of (process.env.ALLOC_VARIANTS ?? "bare,sketchlog").split(",")) {
    counts.push(
      ...(await countAllocations({
        script: fileURLToPath(new URL("./express.ts", import.meta.url)),
        variant,
        args: [profileDir],
        routes: Object.fromEntries(routeNames.map((r) => [r, routes[r]])),
        warmup: Number(process.env.ALLOC_WARMUP ?? 5000),
        requests: Number(process.env.ALLOC_REQUESTS ?? 20_000),
        connections: 8,
      })),
    )
  }
  printAllocationCounts(counts)
} finally {
  rmSync(profileDir, { recursive: true, force: true })
}
