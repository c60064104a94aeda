// Cost of withSketchlog on a built Next.js app: apps/next-demo's `POST /api/score` (wrapped) against
// `POST /api/unprofiled/score` (the same handler, unwrapped), in one build and one `next start`.
// Run: pnpm bench:next   (BENCH_ROUNDS=3 BENCH_SECONDS=5 BENCH_CONNECTIONS=16 to change the run;
// BENCH_SKIP_BUILD=1 to reuse the last build)
//
// Setup: the demo is built first (its own build script: tsc -b of the packages, then `next build`), then
// served by `next start` in a child process with local profiling to a temporary directory; autocannon
// runs in this process. On Linux with `taskset`, the server is pinned to CPU 1 and autocannon to CPU 0,
// so the two never share a core on a 2-core machine. The two routes alternate round by round (the
// order flips every round), so a change in machine load hits both alike; the table gives the median
// of the rounds. Where /proc exists it also gives the server's CPU time per request, which a busy
// machine disturbs far less than req/s (other processes take turns on the CPU, not from its account).
import { type ChildProcess, execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import {
  type BenchRequest,
  benchApplication,
  freePort,
  inRoundOrder,
  median,
  pinToCpu,
  saturate,
  spawnNode,
} from "@sketchlog/test-fixtures/bench"

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../apps/next-demo")
const nextBin = join(appDir, "node_modules", "next", "dist", "bin", "next")
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" }

/** The same loan application for every request: a dozen typed fields, as the model takes them. */
const application = JSON.stringify(benchApplication)

const variants = {
  bare: "/api/unprofiled/score",
  withSketchlog: "/api/score",
} as const
type Variant = keyof typeof variants

/** The server on CPU 1 and this process (autocannon) on CPU 0, where `taskset` exists. */
const hasTaskset = pinToCpu(0)

const build = () => {
  const started = performance.now()
  execFileSync("pnpm", ["run", "build"], { cwd: appDir, env, stdio: ["ignore", "ignore", "inherit"] })
  console.log(`built apps/next-demo in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

const startServer = async (profileDir: string): Promise<{ child: ChildProcess; url: string }> => {
  const port = await freePort()
  const args = [nextBin, "start", "--hostname", "127.0.0.1", "--port", String(port)]
  const options = {
    cwd: appDir,
    env: { ...env, SKETCHLOG_PROFILE_DIR: profileDir },
    stdio: "ignore" as const,
  }
  const child = spawnNode(hasTaskset ? 1 : undefined, args, options)
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { child, url }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error("next start did not answer")
}

interface Sample {
  readonly rps: number
  readonly p50: number
  readonly p99: number
  /** Server CPU time (user + system, all threads) per request, µs; undefined where /proc is missing. */
  readonly cpu: number | undefined
  readonly errors: number
}

/** CPU time the process has used, in ms (Linux: /proc/<pid>/stat, in clock ticks of 10 ms). */
const cpuMillis = (pid: number | undefined): number | undefined => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return undefined
  }
}

const load = async (
  origin: string,
  variant: Variant,
  seconds: number,
  connections: number,
  pid?: number,
): Promise<Sample> => {
  const request: BenchRequest = {
    method: "POST",
    path: variants[variant],
    headers: { "content-type": "application/json" },
    body: application,
  }
  const cpuBefore = cpuMillis(pid)
  const result = await saturate(origin, request, seconds, connections)
  const cpuAfter = cpuMillis(pid)
  return {
    rps: result.rps,
    p50: result.p50,
    p99: result.p99,
    cpu:
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : ((cpuAfter - cpuBefore) * 1000) / Math.max(1, result.requests),
    errors: result.errors,
  }
}

const main = async () => {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const seconds = Number(process.env.BENCH_SECONDS ?? 5)
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16)
  if (process.env.BENCH_SKIP_BUILD !== "1") build()
  const profileDir = mkdtempSync(join(tmpdir(), "sketchlog-next-bench-"))
  console.log(
    `next bench: POST /api/score with and without withSketchlog, ${rounds} rounds × ${seconds}s each, ` +
      `${connections} connections, node ${process.version}, ` +
      `${hasTaskset ? "server pinned to CPU 1, autocannon to CPU 0" : "no CPU pinning"}`,
  )
  const server = await startServer(profileDir)
  try {
    // Warm-up: JIT, route modules, core loading, connection pools; discarded.
    for (const variant of Object.keys(variants) as Array<Variant>) {
      await load(server.url, variant, 2, connections)
    }
    const samples = new Map<Variant, Array<Sample>>()
    for (let round = 0; round < rounds; round++) {
      for (const variant of inRoundOrder(Object.keys(variants) as Array<Variant>, round)) {
        const sample = await load(server.url, variant, seconds, connections, server.child.pid)
        samples.set(variant, [...(samples.get(variant) ?? []), sample])
        process.stderr.write(".")
      }
    }
    process.stderr.write("\n")
    const bare = samples.get("bare")!
    const bareRps = median(bare.map((s) => s.rps))
    const bareP99 = median(bare.map((s) => s.p99))
    const cpuOf = (s: ReadonlyArray<Sample>) =>
      s.every((x) => x.cpu !== undefined) ? median(s.map((x) => x.cpu!)) : undefined
    const bareCpu = cpuOf(bare)
    const rows = (Object.keys(variants) as Array<Variant>).map((variant) => {
      const s = samples.get(variant)!
      const rps = median(s.map((x) => x.rps))
      const p99 = median(s.map((x) => x.p99))
      return {
        variant,
        route: `POST ${variants[variant]}`,
        "req/s": rps.toFixed(0),
        "req/s per round": s.map((x) => x.rps.toFixed(0)).join(" "),
        "p50 ms": median(s.map((x) => x.p50)).toFixed(2),
        "p99 ms": p99.toFixed(2),
        "× bare req/s": (rps / bareRps).toFixed(3),
        "p99 added ms": (p99 - bareP99).toFixed(2),
        "server CPU µs/req": cpuOf(s)?.toFixed(0) ?? "n/a",
        "CPU added µs/req": bareCpu === undefined ? "n/a" : (cpuOf(s)! - bareCpu).toFixed(0),
        errors: String(s.reduce((n, x) => n + x.errors, 0)),
      }
    })
    console.table(rows)
    const status = (await (await fetch(`${server.url}/api/sketchlog`)).json()) as {
      profiler?: { exchanges: { recorded: number; profiled: number; dropped: Record<string, number> } }
      scheduled: { after: number; fallback: number }
    }
    const exchanges = status.profiler?.exchanges
    const dropped = Object.values(exchanges?.dropped ?? {}).reduce((n, x) => n + x, 0)
    // Read while the server runs: what is neither profiled nor dropped waits in the 25 ms batch.
    const waiting = (exchanges?.recorded ?? 0) - (exchanges?.profiled ?? 0) - dropped
    console.log(
      `profiled ${exchanges?.profiled ?? 0} of ${exchanges?.recorded ?? 0} exchanges recorded ` +
        `(dropped: ${JSON.stringify(exchanges?.dropped ?? {})}, waiting in the current batch: ${waiting}); ` +
        `scheduled through after(): ${status.scheduled.after}, fallback: ${status.scheduled.fallback}`,
    )
  } finally {
    const exited = new Promise((done) => server.child.once("exit", done))
    server.child.kill("SIGTERM")
    await exited
    rmSync(profileDir, { recursive: true, force: true })
  }
}

await main()
