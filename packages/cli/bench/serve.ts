/**
 * `pnpm bench:serve`: the monitor over the store — 3 datasets × 14 days × 24 hours ×
 * 4 segments × 2 replicas = 8,064 profiles of 20 columns (200 rows each), written through core's
 * DirectoryStore in the partitioned layout — served by `sketchlog serve` in a child process.
 * Prints: the datasets page cold (first request) and warm, a column's 14-day hourly series cold and
 * warm (JSON API and the HTML page), and the server's RSS. Rounds and the load average are printed
 * too: the machine is shared, so wall-clock figures are noisy.
 *
 * SKETCHLOG_BENCH_STORE=<dir> keeps (or reuses) the seeded store; default a temporary directory.
 * SKETCHLOG_BENCH_BUILT=1 serves with the built CLI (`pnpm build` first) instead of the sources under tsx.
 */
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { get } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { HOUR, seedStore } from "../test/storeSeed.js"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const DAYS = 14
const DATASETS = ["loan-scoring", "fraud-check", "pricing"]
const SEGMENTS = [
  "http.route=/v1/score",
  "http.route=/v1/explain",
  "http.route=/v1/batch",
  "http.route=/v1/simulate",
]
const ROUNDS = 7
const END = Math.floor(Date.now() / HOUR) * HOUR
const START = END - DAYS * 24 * HOUR

const keep = process.env.SKETCHLOG_BENCH_STORE
const dir = keep ?? (await mkdtemp(join(tmpdir(), "sketchlog-bench-serve-")))
const store = join(dir, "store")
if (!existsSync(join(dir, "seeded.json"))) {
  const started = performance.now()
  const written = await seedStore({
    dir: store,
    datasets: DATASETS,
    start: START,
    hours: DAYS * 24,
    segments: SEGMENTS,
    replicas: ["r1", "r2"],
    rows: 200,
    driftFrom: END - 6 * HOUR,
  })
  await writeFile(join(dir, "seeded.json"), JSON.stringify({ written, start: START, end: END }))
  console.log(
    `seeded ${written} profiles in ${((performance.now() - started) / 1000).toFixed(0)} s into ${store}`,
  )
}
const seeded = JSON.parse(await readFile(join(dir, "seeded.json"), "utf8")) as {
  written: number
  start: number
  end: number
}
const monitors = join(dir, "monitors.json")
await writeFile(
  monitors,
  JSON.stringify({
    monitors: DATASETS.flatMap((dataset) => [
      { name: `${dataset} traffic`, dataset, metric: "count", below: 1000, window: "1h" },
      {
        name: `${dataset} income nulls`,
        dataset,
        column: "request.body.income",
        metric: "null_share",
        above: 0.05,
      },
      {
        name: `${dataset} income drift`,
        dataset,
        column: "request.body.income",
        metric: "drift",
        above: 0.3,
      },
    ]),
  }),
)

// SKETCHLOG_BENCH_BUILT=1 runs the built CLI as users do (`pnpm build` first), without tsx in the server.
const built = process.env.SKETCHLOG_BENCH_BUILT === "1"
const entry = built
  ? [join(root, "packages/cli/dist/main.js")]
  : ["--import", "tsx", "--conditions=@sketchlog/source", join(root, "packages/cli/src/main.ts")]
const child = spawn(process.execPath, [...entry, "serve", store, "--port", "0", "--monitors", monitors], {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
})
let stderr = ""
child.stderr.on("data", (c: Buffer) => {
  stderr += c.toString("utf8")
})
const spawned = performance.now()
const url = await new Promise<string>((resolve, reject) => {
  let out = ""
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString("utf8")
    const m = /sketchlog serve: (http:\S+)/.exec(out)
    if (m !== null) resolve(m[1] as string)
  })
  child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)))
})
const startupMs = performance.now() - spawned

/** One GET, timed to the last byte (node:http: no client-side timeout on a slow cold read). */
const timed = (path: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    get(new URL(path, url), (response) => {
      response.resume()
      response.on("end", () =>
        response.statusCode === 200
          ? resolve(performance.now() - started)
          : reject(new Error(`${path}: ${response.statusCode}`)),
      )
    }).on("error", reject)
  })
const rounds = async (path: string) => {
  const times: number[] = []
  for (let i = 0; i < ROUNDS; i++) times.push(await timed(path))
  times.sort((a, b) => a - b)
  return times
}
const spread = (t: ReadonlyArray<number>) =>
  `median ${t[Math.floor(t.length / 2)]!.toFixed(0)} ms (min ${t[0]!.toFixed(0)}, max ${t[t.length - 1]!.toFixed(0)}, ${t.length} rounds)`
const rss = async () => {
  const status = await readFile(`/proc/${child.pid}/status`, "utf8")
  const mb = (field: string) =>
    Number(/(\d+) kB/.exec(status.split("\n").find((l) => l.startsWith(field)) ?? "")?.[1] ?? 0) / 1024
  return `${mb("VmRSS").toFixed(0)} MB (peak ${mb("VmHWM").toFixed(0)} MB)`
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10)
const series = `/api/datasets/loan-scoring/columns/request.body.income?range=custom&from=${day(seeded.start)}&to=${day(seeded.end - 1)}&res=hour`
const columnPage = `/datasets/loan-scoring/columns/request.body.income?range=custom&from=${day(seeded.start)}&to=${day(seeded.end - 1)}&res=hour`

/** The server process's CPU time so far (user + system), ms. */
const serverCpu = async () => {
  const fields = (await readFile(`/proc/${child.pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? []
  return (Number(fields[11]) + Number(fields[12])) * 10
}
/** One request's wall time and the server's CPU time for it. */
const measured = async (path: string) => {
  const cpu = await serverCpu()
  const wall = await timed(path)
  return { wall, cpu: (await serverCpu()) - cpu }
}

const load = async () => (await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ")
console.log(
  `store: ${seeded.written} profiles (${DATASETS.length} datasets × ${DAYS} days × 24 h × ${SEGMENTS.length} segments × 2 replicas, 20 columns, 200 rows each)`,
)
console.log(`load average before: ${await load()}`)
console.log(
  `server started and listed the store in ${(startupMs / 1000).toFixed(1)} s (${built ? "the built CLI" : "tsx start-up included"})`,
)
const cold = await measured("/")
console.log(
  `datasets page, cold (first request: reads each dataset's last 24 h and what the monitors need): ${cold.wall.toFixed(0)} ms, server CPU ${cold.cpu} ms (load ${await load()})`,
)
console.log(`datasets page, warm: ${spread(await rounds("/"))}`)
console.log(`server RSS after the datasets page: ${await rss()}`)
const seriesCold = await measured(series)
console.log(
  `a column's 14-day hourly series (336 points), cold (reads the dataset's 2,688 profiles): ${(seriesCold.wall / 1000).toFixed(1)} s, server CPU ${(seriesCold.cpu / 1000).toFixed(1)} s (load ${await load()})`,
)
console.log(`a column's 14-day hourly series, warm (JSON): ${spread(await rounds(series))}`)
console.log(
  `the column's page over 14 days by hour, warm (HTML, every chart): ${spread(await rounds(columnPage))}`,
)
console.log(`server RSS after these: ${await rss()}`)
console.log(`load average after: ${await load()}`)
child.kill("SIGTERM")
await new Promise((resolve) => child.once("exit", resolve))
if (keep === undefined) await rm(dir, { recursive: true, force: true })
if (stderr.trim() !== "") console.log(`server log:\n${stderr.trim()}`)
