// Instructions per request of the Express bench's servers under valgrind's callgrind: bare Express
// against Express + sketchlog (in-thread, and worker mode: every thread counted), the figure that
// backs per-request claims on a machine whose wall clock is shared.
// Run: pnpm bench:express:callgrind   (CALLGRIND_VARIANTS=bare,sketchlog CALLGRIND_ROUTES=json
// CALLGRIND_SHORT=300 CALLGRIND_LONG=1500 to change the run; takes a few minutes per variant)
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type CallgrindCount, countInstructions } from "@sketchlog/test-fixtures/bench"
import { routes } from "./routes.js"

const variants = (process.env.CALLGRIND_VARIANTS ?? "bare,sketchlog").split(",")
const routeNames = (process.env.CALLGRIND_ROUTES ?? "hello,json").split(",") as Array<keyof typeof routes>
const short = Number(process.env.CALLGRIND_SHORT ?? 300)
const long = Number(process.env.CALLGRIND_LONG ?? 1500)

const script = fileURLToPath(new URL("./express.ts", import.meta.url))
const profileDir = mkdtempSync(join(tmpdir(), "sketchlog-callgrind-express-"))
try {
  const counts: Array<CallgrindCount> = []
  for (const variant of variants) {
    counts.push(
      ...(await countInstructions({
        script,
        variant,
        args: [profileDir],
        routes: Object.fromEntries(routeNames.map((r) => [r, routes[r]])),
        warmup: 500,
        short,
        long,
        connections: 4,
      })),
    )
  }
  const bare = new Map(counts.filter((c) => c.variant === "bare").map((c) => [c.route, c.perRequest]))
  console.log(`callgrind, instructions per request (${long} − ${short} requests), node ${process.version}`)
  console.table(
    counts.map((c) => {
      const base = bare.get(c.route)
      return {
        route: c.route,
        variant: c.variant,
        "Ir/req": Math.round(c.perRequest),
        "added Ir/req": base === undefined ? "" : Math.round(c.perRequest - base),
        "bare ÷ variant": base === undefined ? "" : (base / c.perRequest).toFixed(3),
      }
    }),
  )
} finally {
  rmSync(profileDir, { recursive: true, force: true })
}
