// Instructions per request of the Express bench's servers under valgrind's callgrind: bare Express
// against Express + sketchlog (in-thread; `sketchlog-worker` counts every thread of worker mode), the
// figure that backs per-request claims on a machine whose wall clock is shared.
// Run: pnpm bench:express:callgrind   (CALLGRIND_VARIANTS=bare,sketchlog CALLGRIND_ROUTES=json
// CALLGRIND_WARMUP=3000 CALLGRIND_SHORT=300 CALLGRIND_LONG=1500 to change the run; takes a few minutes per variant)
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import {
  type CallgrindCount,
  countInstructions,
  printInstructionCounts,
} from "@sketchlog/test-fixtures/bench"
import { routes } from "./routes.js"

const routeNames = (process.env.CALLGRIND_ROUTES ?? "hello,json").split(",") as Array<keyof typeof routes>
const profileDir = mkdtempSync(join(tmpdir(), "sketchlog-callgrind-express-"))
try {
  const counts: Array<CallgrindCount> = []
  for (const variant of (process.env.CALLGRIND_VARIANTS ?? "bare,sketchlog").split(",")) {
    counts.push(
      ...(await countInstructions({
        script: fileURLToPath(new URL("./express.ts", import.meta.url)),
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
