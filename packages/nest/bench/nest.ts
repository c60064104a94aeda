// Cost of SessionModule on the Nest demo API: the same app with and without the module.
// Run: pnpm bench:nest   (BENCH_ROUNDS=3 BENCH_SECONDS=5 BENCH_CONNECTIONS=16 to change the run)
//
// Setup: each variant is the nest-demo app (Express platform) in its own child process, started once;
// only the one under load runs (the others are paused); autocannon runs in this process. On Linux with `taskset`, servers are pinned to CPU 1 and autocannon
// to CPU 0, so the two never share a core on a 2-core machine. Variants alternate round by round (the
// order reverses every other round), so a change in machine load hits every variant alike; the table
// gives the median of the rounds.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { INestApplication } from "@nestjs/common"
import {
  type BenchServer,
  mainCpuAdded,
  median,
  pinToCpu,
  runOnly,
  runRounds,
  type ServerSaturation,
  saturateServer,
  serverCpuTimes,
  startBenchServer,
  stopBenchServers,
} from "@sketchlog/test-fixtures/bench"
import { type RouteName, routes } from "./routes.js"

/**
 * bare: no SessionModule; sketchlog: SessionModule profiling in-thread; sketchlog-worker: the logger in
 * a worker thread; module-only: SessionModule with sampleRate 0 (its hooks run, nothing is profiled),
 * which separates what the Nest side costs from what profiling costs.
 */
const variants = ["bare", "sketchlog", "sketchlog-worker", "module-only"] as const
type Variant = (typeof variants)[number]

const here = dirname(fileURLToPath(import.meta.url))
const demoApp = join(here, "..", "..", "..", "apps", "nest-demo", "src", "app.ts")

// ——— server side (child process) ———

interface DemoApp {
  createApp(options: {
    profiling?: false | { profileDir: string; sampleRate?: number; logger?: { mode: "in-thread" | "worker" } }
    logger?: false
  }): Promise<INestApplication>
}

const profilingOf = (variant: Variant, profileDir: string) => {
  switch (variant) {
    case "bare":
      return false
    case "sketchlog":
      return { profileDir, logger: { mode: "in-thread" as const } }
    case "sketchlog-worker":
      return { profileDir, logger: { mode: "worker" as const } }
    case "module-only":
      return { profileDir, sampleRate: 0 }
  }
}

const serve = async (variant: Variant, profileDir: string) => {
  // Loaded by path: the demo is an app, not a dependency of this package.
  const { createApp } = (await import(pathToFileURL(demoApp).href)) as DemoApp
  const app = await createApp({ logger: false, profiling: profilingOf(variant, profileDir) })
  await app.listen(0, "127.0.0.1")
  const address = app.getHttpServer().address() as { port: number }
  process.stdout.write(`ready ${address.port}\n`)
  process.on("message", async (message) => {
    if (message === "cpu") {
      // CPU time of the whole process (every thread, the logger's worker included) and of the main
      // thread alone, in µs.
      process.send!(serverCpuTimes())
    } else if (message === "stop") {
      await app.close() // writes the profiles (SessionModule's onApplicationShutdown)
      process.exit(0)
    }
  })
}

// ——— load side (this process) ———

type Server = BenchServer<Variant>

/** Servers on CPU 1 and this process (autocannon) on CPU 0, where `taskset` exists. */
// Only the load side pins itself: a server child runs this file too, and pinning there would move it
// from CPU 1 onto CPU 0, beside autocannon.
const hasTaskset = process.argv[2] !== "server" && pinToCpu(0)

const startServer = (variant: Variant, profileDir: string): Promise<Server> =>
  startBenchServer(fileURLToPath(import.meta.url), variant, [profileDir], hasTaskset ? 1 : undefined)

/** Server CPU time per request (`cpuPerRequest`, µs) is less sensitive than req/s to other work on the machine. */
type Sample = ServerSaturation

const load = (server: Server, route: RouteName, seconds: number, connections: number): Promise<Sample> =>
  saturateServer(server, routes[route], seconds, connections)

const main = async () => {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const seconds = Number(process.env.BENCH_SECONDS ?? 5)
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16)
  const profileDir = mkdtempSync(join(tmpdir(), "sketchlog-bench-nest-"))
  console.log(
    `nest bench: nest-demo on the Express platform, ${rounds} rounds × ${seconds}s per variant and route, ` +
      `${connections} connections, node ${process.version}, ` +
      `${hasTaskset ? "servers pinned to CPU 1, autocannon to CPU 0" : "no CPU pinning"}`,
  )
  const servers: Array<Server> = []
  try {
    for (const variant of variants) servers.push(await startServer(variant, profileDir))
    const routeNames = Object.keys(routes) as Array<RouteName>
    // Warm-up: JIT and connection pools, discarded.
    for (const server of servers) {
      runOnly(servers, server)
      for (const route of routeNames) await load(server, route, 1, connections)
    }
    const samples = await runRounds(servers, routeNames, rounds, (server, route) =>
      load(server, route, seconds, connections),
    )
    const rows: Array<Record<string, string>> = []
    for (const route of routeNames) {
      const bare = samples.get(`bare|${route}`)!
      const bareRps = median(bare.map((s) => s.rps))
      const bareP99 = median(bare.map((s) => s.p99))
      const bareCpu = median(bare.map((s) => s.cpuPerRequest))
      for (const variant of variants) {
        const s = samples.get(`${variant}|${route}`)!
        const rps = median(s.map((x) => x.rps))
        const p99 = median(s.map((x) => x.p99))
        rows.push({
          route,
          variant,
          "req/s": rps.toFixed(0),
          "req/s per round": s.map((x) => x.rps.toFixed(0)).join(" "),
          "p50 ms": median(s.map((x) => x.p50)).toFixed(2),
          "p99 ms": p99.toFixed(2),
          "× bare req/s": (rps / bareRps).toFixed(3),
          "p99 added ms": (p99 - bareP99).toFixed(2),
          "CPU µs/req": median(s.map((x) => x.cpuPerRequest)).toFixed(0),
          "CPU added µs/req": (median(s.map((x) => x.cpuPerRequest)) - bareCpu).toFixed(0),
          // The request thread alone: in worker mode, what remains with a core to spare for the worker.
          "main thread added µs/req": mainCpuAdded(s, bare),
          errors: String(s.reduce((n, x) => n + x.errors, 0)),
        })
      }
    }
    console.table(rows)
    console.log("target: sketchlog ≥ 0.90 × bare req/s")
  } finally {
    await stopBenchServers(servers)
    rmSync(profileDir, { recursive: true, force: true })
  }
}

if (process.argv[2] === "server") {
  await serve(process.argv[3] as Variant, process.argv[4]!)
} else {
  await main()
}
