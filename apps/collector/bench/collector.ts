// Throughput of the collector: requests/s and rows/s accepted for whylogs log requests of 1 and 100
// rows, with the collector's CPU use, for the logger on the HTTP thread and in a worker thread.
// Run: pnpm bench:collector   (BENCH_ROUNDS=3 BENCH_SECONDS=5 BENCH_CONNECTIONS=16 BENCH_PIN=1)
//
// Setup: each variant is the collector's real entry point (src/main.ts, local destination, bearer
// token) in its own child process; autocannon runs in this process. With `taskset` (Linux) and
// BENCH_PIN=1 (the default), collectors are pinned to CPU 1 and this process to CPU 0, so load and
// service never share a core (worker mode then shares CPU 1 between the HTTP thread and the logger's
// thread). Variants alternate round by round and idle ones are paused (SIGSTOP); the table gives the
// median of the rounds. CPU is `process.cpuUsage()` sampled in the collector (GET /status) before and
// after each run: all its threads, user + system, divided by the run's wall time (100% = one core)
// and by the rows accepted. Accepted means queued (answered 200); "profiled" is what the logger folded
// into profiles during the run, so a profiled rate below the accepted rate means the queue was filling.
import type { ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { inRoundOrder, median, pinToCpu, runOnly, spawnNode } from "@sketchlog/test-fixtures/bench"
import autocannon from "autocannon"

const TOKEN = "bench-token-0123456789"
const HEADERS = { "content-type": "application/json", authorization: `Bearer ${TOKEN}` }

const modes = ["in-thread", "worker"] as const
type Mode = (typeof modes)[number]

/** A whylogs log request of `rows` rows of 10 columns, as a model-serving service would send. */
const requestBody = (rows: number): string =>
  JSON.stringify({
    datasetId: "bench",
    multiple: {
      columns: [
        "age",
        "income",
        "loan_amount",
        "credit_score",
        "debt_to_income",
        "employment",
        "region",
        "has_cosigner",
        "score",
        "decision",
      ],
      data: Array.from({ length: rows }, (_, i) => [
        21 + (i % 50),
        30_000.5 + ((i * 7919) % 90_000),
        1000 * (1 + (i % 40)),
        550 + ((i * 31) % 300),
        ((i * 13) % 100) / 100,
        ["employed", "self_employed", "unemployed", "retired"][i % 4],
        ["north", "south", "east", "west", "central"][i % 5],
        i % 7 === 0,
        ((i * 17) % 1000) / 1000,
        i % 3 === 0 ? "approve" : "review",
      ]),
    },
  })

const shapes = [
  { name: "1-row", rows: 1, body: requestBody(1) },
  { name: "100-row", rows: 100, body: requestBody(100) },
] as const

/** Collectors on CPU 1 and this process (autocannon) on CPU 0, unless BENCH_PIN=0 or `taskset` is missing. */
const hasTaskset = process.env.BENCH_PIN !== "0" && pinToCpu(0)

interface Collector {
  readonly mode: Mode
  readonly child: ChildProcess
  readonly url: string
  output: string
}

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href

const startCollector = (mode: Mode, dir: string): Promise<Collector> =>
  new Promise((resolve, reject) => {
    const args = ["--conditions=@sketchlog/source", "--import", tsx, main]
    const env = {
      ...process.env,
      CONTAINER_PASSWORD: TOKEN,
      HOST: "127.0.0.1",
      PORT: "0",
      SKETCHLOG_PROFILE_DIR: join(dir, mode),
      SKETCHLOG_LOGGER_MODE: mode,
      WHYLOGS_CONFIG_PATH: join(dir, "config"),
    }
    const child = spawnNode(hasTaskset ? 1 : undefined, args, { stdio: ["ignore", "pipe", "inherit"], env })
    let output = ""
    let collector: Collector | undefined
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      if (collector !== undefined) collector.output = output
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output)
      if (match !== null && collector === undefined) {
        collector = { mode, child, url: match[1] as string, output }
        resolve(collector)
      }
    })
    child.once("exit", (code) => {
      if (collector === undefined) reject(new Error(`the ${mode} collector exited with ${code}`))
    })
  })

interface Figures {
  readonly cpuMicros: number
  readonly accepted: number
  readonly profiled: number
}

const figures = async (collector: Collector): Promise<Figures> => {
  const response = await fetch(`${collector.url}/status`, { headers: HEADERS })
  const status = (await response.json()) as {
    process: { cpuMicros: number }
    intake: { accepted: { log: { rows: number } } }
    logger: { rows: { profiled: number } }
  }
  return {
    cpuMicros: status.process.cpuMicros,
    accepted: status.intake.accepted.log.rows,
    profiled: status.logger.rows.profiled,
  }
}

interface Sample {
  readonly rps: number
  readonly rowsPerSecond: number
  readonly profiledPerSecond: number
  readonly p50: number
  readonly p99: number
  /** CPU of the collector over the run, in % of one core. */
  readonly cpuPercent: number
  /** CPU of the collector per row accepted, µs. */
  readonly cpuPerRow: number
  readonly errors: number
}

const run = async (
  collector: Collector,
  shape: (typeof shapes)[number],
  seconds: number,
  connections: number,
): Promise<Sample> => {
  const before = await figures(collector)
  const started = performance.now()
  const result = await autocannon({
    url: `${collector.url}/log`,
    method: "POST",
    headers: HEADERS,
    body: shape.body,
    connections,
    duration: seconds,
  })
  const wall = (performance.now() - started) / 1000
  const after = await figures(collector)
  const accepted = after.accepted - before.accepted
  const cpu = after.cpuMicros - before.cpuMicros
  return {
    rps: result.requests.total / wall,
    rowsPerSecond: accepted / wall,
    profiledPerSecond: (after.profiled - before.profiled) / wall,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPercent: cpu / (wall * 1e6) / 0.01,
    cpuPerRow: cpu / Math.max(1, accepted),
    errors: result.errors + result.non2xx + result.timeouts,
  }
}

/** Waits until the collector has profiled everything it accepted, so the next run starts level. */
const drain = async (collector: Collector): Promise<void> => {
  for (let i = 0; i < 600; i++) {
    const { accepted, profiled } = await figures(collector)
    if (profiled >= accepted) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const stop = (collector: Collector): Promise<string> =>
  new Promise((resolve) => {
    collector.child.kill("SIGCONT")
    collector.child.once("exit", () => resolve(collector.output))
    collector.child.kill("SIGTERM")
  })

const benchmark = async () => {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const seconds = Number(process.env.BENCH_SECONDS ?? 5)
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16)
  const dir = mkdtempSync(join(tmpdir(), "sketchlog-collector-bench-"))
  console.log(
    `collector bench: POST /log with 1-row and 100-row whylogs requests (10 columns), ${rounds} rounds × ${seconds}s ` +
      `per variant, ${connections} connections, node ${process.version}, ` +
      `${hasTaskset ? "collectors pinned to CPU 1, load to CPU 0" : "no CPU pinning"}`,
  )
  const collectors: Collector[] = []
  try {
    for (const mode of modes) collectors.push(await startCollector(mode, dir))
    for (const collector of collectors) {
      for (const shape of shapes) await run(collector, shape, 2, connections) // warm-up, discarded
      await drain(collector)
    }
    const samples = new Map<string, Sample[]>()
    for (let round = 0; round < rounds; round++) {
      for (const shape of shapes) {
        for (const collector of inRoundOrder(collectors, round)) {
          runOnly(collectors, collector)
          const key = `${collector.mode}|${shape.name}`
          samples.set(key, [...(samples.get(key) ?? []), await run(collector, shape, seconds, connections)])
          await drain(collector)
          process.stderr.write(".")
        }
      }
    }
    process.stderr.write("\n")
    const rows: Array<Record<string, string>> = []
    for (const shape of shapes) {
      for (const mode of modes) {
        const s = samples.get(`${mode}|${shape.name}`)!
        rows.push({
          request: shape.name,
          logger: mode,
          "req/s": median(s.map((x) => x.rps)).toFixed(0),
          "rows/s accepted": median(s.map((x) => x.rowsPerSecond)).toFixed(0),
          "rows/s per round": s.map((x) => x.rowsPerSecond.toFixed(0)).join(" "),
          "rows/s profiled": median(s.map((x) => x.profiledPerSecond)).toFixed(0),
          "p50 ms": median(s.map((x) => x.p50)).toFixed(0),
          "p99 ms": median(s.map((x) => x.p99)).toFixed(0),
          "collector CPU %": median(s.map((x) => x.cpuPercent)).toFixed(0),
          "CPU µs/row": median(s.map((x) => x.cpuPerRow)).toFixed(1),
          errors: String(s.reduce((n, x) => n + x.errors, 0)),
        })
      }
    }
    console.table(rows)
  } finally {
    // SIGTERM: each collector writes its profiles; its last line says whether every row was profiled.
    for (const collector of collectors) {
      const output = await stop(collector)
      const last = output.trim().split("\n").pop() ?? ""
      console.log(`${collector.mode}: ${last.replace(/^sketchlog collector: /, "")}`)
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

await benchmark()
