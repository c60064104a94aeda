import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { countAllocations } from "./Allocations.js"
import { countInstructions } from "./Callgrind.js"
import type { BenchRequest } from "./Saturation.js"

/** What a per-request count measures: instructions under callgrind, or bytes allocated. */
export type PerRequestMeasure = "callgrind" | "allocations"

interface Count {
  readonly variant: string
  readonly route: string
  readonly value: number
}

/**
 * The per-request counts of a bench's servers, each variant in its own process, printed as a table
 * beside the `bare` variant's: `pnpm bench:<app>:callgrind` and `bench:<app>:allocations`. Reads
 * `<PREFIX>_VARIANTS` (default `bare,sketchlog`), `<PREFIX>_ROUTES` (default all), `<PREFIX>_WARMUP`,
 * and `CALLGRIND_SHORT`/`CALLGRIND_LONG` or `ALLOC_REQUESTS`, where the prefix is `CALLGRIND` or `ALLOC`.
 */
export const printPerRequestCounts = async (
  measure: PerRequestMeasure,
  script: string,
  routes: Readonly<Record<string, BenchRequest>>,
): Promise<void> => {
  const env = process.env
  const prefix = measure === "callgrind" ? "CALLGRIND" : "ALLOC"
  const chosen = Object.fromEntries(
    (env[`${prefix}_ROUTES`]?.split(",") ?? Object.keys(routes)).map((r) => [r, routes[r]!]),
  )
  const warmup = Number(env[`${prefix}_WARMUP`] ?? (measure === "callgrind" ? 3000 : 5000))
  const profileDir = mkdtempSync(join(tmpdir(), `sketchlog-${measure}-`))
  const counts: Array<Count> = []
  let heading = ""
  try {
    for (const variant of (env[`${prefix}_VARIANTS`] ?? "bare,sketchlog").split(",")) {
      const run = { script, variant, args: [profileDir], routes: chosen, warmup }
      if (measure === "callgrind") {
        const short = Number(env.CALLGRIND_SHORT ?? 300)
        const long = Number(env.CALLGRIND_LONG ?? 1500)
        heading = `callgrind, instructions per request (every thread; ${long} − ${short} requests)`
        for (const c of await countInstructions({ ...run, short, long, connections: 4 }))
          counts.push({ variant, route: c.route, value: c.perRequest })
      } else {
        const requests = Number(env.ALLOC_REQUESTS ?? 20_000)
        heading = `bytes allocated per request (--trace-gc-nvp; ${requests} requests)`
        for (const c of await countAllocations({ ...run, requests, connections: 8 }))
          counts.push({ variant, route: c.route, value: c.bytesPerRequest })
      }
    }
  } finally {
    rmSync(profileDir, { recursive: true, force: true })
  }
  const bare = new Map(counts.filter((c) => c.variant === "bare").map((c) => [c.route, c.value]))
  console.log(`${heading}, node ${process.version}`)
  console.table(
    counts.map((c) => {
      const base = bare.get(c.route)
      return {
        route: c.route,
        variant: c.variant,
        "per request": Math.round(c.value),
        added: base === undefined ? "" : Math.round(c.value - base),
        "bare ÷ variant": base === undefined ? "" : (base / c.value).toFixed(3),
      }
    }),
  )
}
