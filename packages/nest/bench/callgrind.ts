// Instructions per request of the Nest bench's servers (the nest-demo app) under valgrind's callgrind:
// without SessionModule against with it, the figure that backs per-request claims on a machine whose
// wall clock is shared.
// Run: pnpm bench:nest:callgrind   (CALLGRIND_VARIANTS=bare,sketchlog,module-only
// CALLGRIND_ROUTES="GET /v1/models/:modelId" CALLGRIND_SHORT=300
// CALLGRIND_LONG=1500 CALLGRIND_WARMUP=3000 to change the run; takes a few minutes per variant)
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import {
  type CallgrindCount,
  countInstructions,
  printInstructionCounts,
} from "@sketchlog/test-fixtures/bench"
import { type RouteName, routes } from "./routes.js"

const routeNames = (process.env.CALLGRIND_ROUTES?.split(",") ?? Object.keys(routes)) as Array<RouteName>

const profileDir = mkdtempSync(join(tmpdir(), "sketchlog-callgrind-nest-"))
try {
  const counts: Array<CallgrindCount> = []
  for (const variant of (process.env.CALLGRIND_VARIANTS ?? "bare,sketchlog").split(",")) {
    counts.push(
      ...(await countInstructions({
        script: fileURLToPath(new URL("./nest.ts", import.meta.url)),
        variant,
        args: [profileDir],
        routes: Object.fromEntries(routeNames.map((r) => [r, routes[r]])),
        warmup: Number(process.env.CALLGRIND_WARMUP ?? 3000),
        short: Number(process.env.CALLGRIND_SHORT ?? 300),
        long: Number(process.env.CALLGRIND_LONG ?? 1500),
        connections: 4,
      })),
    )
  }
  printInstructionCounts(counts)
} finally {
  rmSync(profileDir, { recursive: true, force: true })
}
