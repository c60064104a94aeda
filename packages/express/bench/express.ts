// Cost of auto-profiling an Express app, against bare Express and Express + pino-http.
// Run: pnpm bench:express   (BENCH_ROUNDS=3 BENCH_SECONDS=5 BENCH_CONNECTIONS=16 BENCH_RATE=1000
// BENCH_RATE_SECONDS=3 to change the run; BENCH_RATE_SECONDS=0 skips the fixed-rate runs;
// BENCH_VARIANTS=sketchlog,pino-http and BENCH_ROUTES=json pick variants and routes, bare always runs)
//
// Setup: each variant is its own server in a child process (started once, all idle but the one under
// load); autocannon runs in this process. On Linux with `taskset`, servers are pinned to CPU 1 and
// autocannon to CPU 0, so the two never share a core on a 2-core machine. Variants and routes
// alternate round by round, so a change in machine load hits every variant alike; the table gives
// the median of the rounds. Two measures: throughput at saturation (autocannon; its latencies have a
// resolution of 1 ms), and latency at a fixed, moderate rate with a plain keep-alive client timing
// each request in microseconds, which is what "latency added per request" means without queueing.
import { mkdtempSync, rmSync } from "node:fs"
import { Agent, request } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import {
  askServer,
  type BenchServer,
  mainCpuAdded,
  median,
  pinToCpu,
  runRounds,
  type ServerSaturation,
  saturateServer,
  serverCpuTimes,
  startBenchServer,
  stopBenchServers,
} from "@sketchlog/test-fixtures/bench"
import { type RouteName, routes } from "./routes.js"

/** The middleware each server runs in front of the same two routes. */
const allVariants = ["bare", "pino-http", "sketchlog", "sketchlog-worker"] as const
type Variant = (typeof allVariants)[number]
/** `BENCH_VARIANTS=sketchlog,pino-http` runs some variants (bare always runs: the ratios need it). */
const variants: ReadonlyArray<Variant> = allVariants.filter(
  (v) =>
    v === "bare" ||
    process.env.BENCH_VARIANTS === undefined ||
    process.env.BENCH_VARIANTS.split(",").includes(v),
)

/** `BENCH_ROUTES=json` runs one route. */
const routeNames = (Object.keys(routes) as Array<RouteName>).filter(
  (r) => process.env.BENCH_ROUTES === undefined || process.env.BENCH_ROUTES.split(",").includes(r),
)

// ——— server side (child process) ———

const serve = async (variant: Variant, profileDir: string) => {
  const express = (await import("express")).default
  const app = express()
  app.disable("x-powered-by")
  app.use(express.json())
  let close: () => Promise<void> = async () => undefined
  if (variant === "pino-http") {
    const { pino } = await import("pino")
    const { pinoHttp } = await import("pino-http")
    app.use(pinoHttp({ logger: pino(pino.destination("/dev/null")) }))
  } else if (variant === "sketchlog" || variant === "sketchlog-worker") {
    const { sketchlog } = await import("../src/index.js")
    const middleware = sketchlog({
      datasetId: "bench",
      profileDir,
      sessionOptions: { forceLocal: true },
      logger: { mode: variant === "sketchlog-worker" ? "worker" : "in-thread" },
    })
    await middleware.profiler.ready
    app.use(middleware)
    close = () => middleware.close()
  }
  app.get("/hello", (_req, res) => {
    res.send("hello world")
  })
  app.post("/json", (req, res) => {
    const b = req.body as { applicant_id: string; credit_score: number }
    res.json({
      applicant_id: b.applicant_id,
      score: b.credit_score / 850,
      label: "approve",
      version: "3.2.1",
    })
  })
  const server = app.listen(0, "127.0.0.1", () => {
    const address = server.address()
    process.stdout.write(`ready ${typeof address === "object" && address !== null ? address.port : 0}\n`)
  })
  const stop = async () => {
    server.close()
    server.closeAllConnections()
    await close()
    process.exit(0) // --cpu-prof writes its profile on this exit
  }
  // Event-loop delay of the server during the fixed-rate runs: how long a request that arrived could
  // wait for the loop (profiling work included), measured where the client's scheduling cannot blur it.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 })
  loopDelay.enable()
  process.on("message", (message) => {
    if (message === "stop") void stop()
    if (message === "eld-reset") loopDelay.reset()
    if (message === "eld") process.send?.({ eld: loopDelay.percentile(99) / 1e6 })
    // CPU time used so far (µs, all threads of the process, and the main thread alone): the parent
    // divides the difference over a run by the requests served, a figure that other load on the
    // machine hardly moves.
    if (message === "cpu") process.send?.(serverCpuTimes())
  })
  // Run alone for profiling: `node --cpu-prof --import tsx --conditions=@sketchlog/source
  // packages/express/bench/express.ts server sketchlog /tmp/profiles`, load it, then Ctrl-C.
  process.once("SIGINT", () => void stop())
}

// ——— load side (this process) ———

type Server = BenchServer<Variant>

/** Servers on CPU 1 and this process (autocannon, the timing client) on CPU 0, where `taskset` exists. */
// Only the load side pins itself: a server child runs this file too, and pinning there would move it
// from CPU 1 onto CPU 0, beside autocannon.
const hasTaskset = process.argv[2] !== "server" && pinToCpu(0)

const startServer = (variant: Variant, profileDir: string): Promise<Server> =>
  startBenchServer(fileURLToPath(import.meta.url), variant, [profileDir], hasTaskset ? 1 : undefined)

type Sample = ServerSaturation

const load = (server: Server, route: RouteName, seconds: number, connections: number): Promise<Sample> =>
  saturateServer(server, routes[route], seconds, connections)

interface RateSample {
  readonly p50: number
  readonly p99: number
  /** The server's event-loop delay p99 over the run, ms. */
  readonly loopP99: number
  readonly errors: number
}

/** Sends `rate` requests a second for `seconds` (open loop) and times each one, in milliseconds. */
const fixedRate = async (
  server: Server,
  route: RouteName,
  rate: number,
  seconds: number,
): Promise<RateSample> => {
  const r = routes[route]
  const url = new URL(server.url + r.path)
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  const body = "body" in r ? r.body : undefined
  const headers = "body" in r ? { ...r.headers, "content-length": String(Buffer.byteLength(r.body)) } : {}
  const total = Math.round(rate * seconds)
  const durations: Array<number> = []
  let errors = 0
  server.child.send("eld-reset")
  await new Promise<void>((resolve) => {
    let sent = 0
    let done = 0
    const finished = () => {
      if (++done === total) resolve()
    }
    const send = () => {
      const started = performance.now()
      const req = request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: r.method, headers },
        (res) => {
          res.resume()
          res.on("end", () => {
            durations.push(performance.now() - started)
            if (res.statusCode !== 200) errors++
            finished()
          })
        },
      )
      req.on("error", () => {
        errors++
        finished()
      })
      req.end(body)
    }
    const begin = performance.now()
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - begin) / 1000) * rate))
      while (sent < due) {
        sent++
        send()
      }
      if (sent < total) setTimeout(tick, 1)
    }
    tick()
  })
  agent.destroy()
  const loopP99 = await askServer(server, "eld", "eld")
  durations.sort((a, b) => a - b)
  const at = (q: number) =>
    durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? Number.NaN
  return { p50: at(0.5), p99: at(0.99), loopP99, errors }
}

const main = async () => {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const seconds = Number(process.env.BENCH_SECONDS ?? 5)
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16)
  const rate = Number(process.env.BENCH_RATE ?? 1000)
  const rateSeconds = Number(process.env.BENCH_RATE_SECONDS ?? 3)
  const profileDir = mkdtempSync(join(tmpdir(), "sketchlog-bench-"))
  console.log(
    `express bench: ${rounds} rounds × ${seconds}s per variant and route, ${connections} connections, ` +
      `then ${rate} req/s for ${rateSeconds}s, node ${process.version}, ` +
      `${hasTaskset ? "servers pinned to CPU 1, clients to CPU 0" : "no CPU pinning"}`,
  )
  const servers: Array<Server> = []
  try {
    for (const variant of variants) servers.push(await startServer(variant, profileDir))
    // Warm-up: JIT and connection pools, discarded.
    for (const server of servers) {
      for (const route of routeNames) await load(server, route, 2, connections)
    }
    const measured = await runRounds(servers, routeNames, rounds, async (server, route) => ({
      saturation: await load(server, route, seconds, connections),
      rate: rateSeconds > 0 ? await fixedRate(server, route, rate, rateSeconds) : undefined,
    }))
    const samples = (key: `${Variant}|${RouteName}`): Array<Sample> =>
      measured.get(key)!.map((m) => m.saturation)
    const rated = (key: `${Variant}|${RouteName}`): Array<RateSample> =>
      measured.get(key)!.map((m) => m.rate!)
    const rows: Array<Record<string, string>> = []
    for (const route of routeNames) {
      const bare = samples(`bare|${route}`)
      const bareRps = median(bare.map((s) => s.rps))
      const bareCpu = median(bare.map((s) => s.cpuPerRequest))
      for (const variant of variants) {
        const s = samples(`${variant}|${route}`)
        const rps = median(s.map((x) => x.rps))
        const p99 = median(s.map((x) => x.p99))
        rows.push({
          route,
          variant,
          "req/s": rps.toFixed(0),
          "req/s per round": s.map((x) => x.rps.toFixed(0)).join(" "),
          "× bare req/s": (rps / bareRps).toFixed(3),
          "p50 ms": median(s.map((x) => x.p50)).toFixed(0),
          "p99 ms": p99.toFixed(0),
          "CPU µs/req": median(s.map((x) => x.cpuPerRequest)).toFixed(0),
          "CPU added µs/req": (median(s.map((x) => x.cpuPerRequest)) - bareCpu).toFixed(0),
          // The request thread alone: in worker mode, what remains with a core to spare for the worker.
          "main thread added µs/req": mainCpuAdded(s, bare),
          errors: String(s.reduce((n, x) => n + x.errors, 0)),
        })
      }
    }
    console.log("\nThroughput at saturation (autocannon; latencies in whole milliseconds)")
    console.table(rows)
    if (rateSeconds <= 0) return
    const latency: Array<Record<string, string>> = []
    for (const route of routeNames) {
      const bareP99 = median(rated(`bare|${route}`).map((x) => x.p99))
      const bareLoop = median(rated(`bare|${route}`).map((x) => x.loopP99))
      for (const variant of variants) {
        const r = rated(`${variant}|${route}`)
        const p99 = median(r.map((x) => x.p99))
        latency.push({
          route,
          variant,
          "p50 µs": (median(r.map((x) => x.p50)) * 1000).toFixed(0),
          "p99 µs": (p99 * 1000).toFixed(0),
          "p99 added µs": ((p99 - bareP99) * 1000).toFixed(0),
          "server loop delay p99 µs": (median(r.map((x) => x.loopP99)) * 1000).toFixed(0),
          "loop p99 added µs": ((median(r.map((x) => x.loopP99)) - bareLoop) * 1000).toFixed(0),
          errors: String(r.reduce((n, x) => n + x.errors, 0)),
        })
      }
    }
    console.log(`\nLatency at ${rate} req/s (each request timed in microseconds)`)
    console.table(latency)
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
