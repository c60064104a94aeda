// Bytes allocated per request by the Nest bench's servers (the nest-demo app, V8's --trace-gc-nvp), without SessionModule against
// with it: the allocation behind young-generation collections, and so behind p99 pauses.
// Run: pnpm bench:nest:allocations   (ALLOC_VARIANTS=bare,sketchlog,module-only ALLOC_ROUTES="GET /v1/models/:modelId"
// ALLOC_WARMUP=5000 ALLOC_REQUESTS=20000 to change the run)
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type AllocationCount, countAllocations, printAllocationCounts } from "@sketchlog/test-fixtures/bench"
import { routes } from "./routes.js"

const routeNames = (process.env.ALLOC_ROUTES?.split(",") ?? Object.keys(routes)) as Array<keyof typeof routes>
const profileDir = mkdtempSync(join(tmpdir(), "sketchlog-alloc-nest-"))
try {
  const counts: Array<AllocationCount> = []
  for (const variant of (process.env.ALLOC_VARIANTS ?? "bare,sketchlog").split(",")) {
    counts.push(
      ...(await countAllocations({
        script: fileURLToPath(new URL("./nest.ts", import.meta.url)),
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
