/**
 * CPU an auto-profiled request adds inside the server, without HTTP: exchanges recorded with
 * `HttpProfiler.record` as an adapter does, mapped, logged and tracked by an in-thread rolling logger
 * (profiles written by a LocalWriter at close). Exchanges arrive in bursts every `BURST_MS`
 * milliseconds (default: 175 every 25 ms, about what a saturated Express server hands over), so the
 * batches have the size a real server gives them. Prints CPU µs per exchange (process.cpuUsage, all
 * threads) per round, the median and the spread. Asserts only that every exchange was profiled.
 *
 * Run: pnpm exec tsx --conditions=@sketchlog/source packages/core/bench/profiler.ts
 *   (BENCH_ROUNDS=5 BENCH_EXCHANGES=20000 BENCH_BURST=175 BENCH_BURST_MS=25; `--worker` for worker
 *   mode, `--bare` for GET exchanges without bodies)
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { createHttpProfiler } from "../src/adapter.js"
import type { HttpExchange } from "../src/http/index.js"

const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const total = Number(process.env.BENCH_EXCHANGES ?? 20_000)
const burst = Number(process.env.BENCH_BURST ?? 175)
const burstMs = Number(process.env.BENCH_BURST_MS ?? 25)
const worker = process.argv.includes("--worker")
const bare = process.argv.includes("--bare")

const requestHeaders = {
  host: "127.0.0.1:3000",
  connection: "keep-alive",
  "user-agent": "autocannon/7.15.0",
  "content-type": "application/json",
  "content-length": "512",
}
const responseHeaders = {
  "content-type": "application/json; charset=utf-8",
  "content-length": "82",
  etag: 'W/"52-abc"',
}

/** The 20-field body of `pnpm bench:express`, with values that vary like real traffic. */
const body = (i: number) => ({
  applicant_id: `a-${10_000 + (i % 5000)}`,
  age: 20 + (i % 60),
  annual_income: 30_000 + (i % 977) * 101.5,
  loan_amount: 5000 + (i % 40) * 1000,
  loan_term_months: [12, 24, 36, 60][i % 4],
  credit_score: 550 + (i % 300),
  employment_status: ["employed", "self-employed", "unemployed"][i % 3],
  years_employed: (i % 30) * 0.5,
  debt_to_income: (i % 100) / 100,
  num_open_accounts: i % 12,
  num_delinquencies: i % 17 === 0 ? 1 : 0,
  home_ownership: ["rent", "mortgage", "own"][i % 3],
  purpose: ["home_improvement", "debt_consolidation", "car", "other"][i % 4],
  has_cosigner: i % 5 === 0,
  region: ["north-east", "south", "west", "mid-west"][i % 4],
  channel: i % 3 === 0 ? "branch" : "web",
  device: i % 2 === 0 ? "mobile" : "desktop",
  marketing_opt_in: i % 7 !== 0,
  referral_code: i % 11 === 0 ? null : "SPRING24",
  requested_at: "2025-03-14T09:26:53Z",
})

const exchange = (i: number): HttpExchange => {
  const b = body(i)
  return bare
    ? {
        method: "GET",
        route: "/hello",
        status: 200,
        durationMs: 0.2 + (i % 13) * 0.01,
        timestamp: Date.now(),
        request: { headers: { host: "127.0.0.1:3000", connection: "keep-alive" } },
        response: { headers: { "content-type": "text/html; charset=utf-8", "content-length": "11" } },
        query: {},
      }
    : {
        method: "POST",
        route: "/json",
        status: 200,
        durationMs: 0.4 + (i % 13) * 0.01,
        timestamp: Date.now(),
        request: { headers: requestHeaders, body: b },
        response: {
          headers: responseHeaders,
          body: {
            applicant_id: b.applicant_id,
            score: b.credit_score / 850,
            label: "approve",
            version: "3.2.1",
          },
        },
        query: {},
      }
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

const cpu = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}

const dir = mkdtempSync(join(tmpdir(), "sketchlog-profiler-bench-"))
try {
  const profiler = createHttpProfiler({
    datasetId: "bench",
    profileDir: dir,
    sessionOptions: { forceLocal: true },
    logger: { mode: worker ? "worker" : "in-thread", writeSchedule: null },
  })
  await profiler.ready
  // Exchanges are built before the clock starts: the adapter's part is measured by its own bench.
  const inputs = Array.from({ length: total }, (_, i) => exchange(i))
  const perRound: Array<number> = []
  for (let round = 0; round <= rounds; round++) {
    const before = cpu()
    for (let i = 0; i < total; i += burst) {
      for (let k = i; k < Math.min(total, i + burst); k++) profiler.record(inputs[k]!)
      await sleep(burstMs)
    }
    await profiler.logger!.settle()
    const used = cpu() - before
    if (round > 0) perRound.push(used / total) // round 0 warms up the JIT
  }
  await profiler.flush()
  const status = await profiler.status()
  await profiler.close()
  const profiled = status.logger?.rows.profiled ?? 0
  if (profiled !== total * (rounds + 1)) throw new Error(`profiled ${profiled} of ${total * (rounds + 1)}`)
  console.log(
    `HttpProfiler, ${bare ? "GET without bodies" : "POST with a 20-field body"}, ${worker ? "worker" : "in-thread"} logger, ` +
      `${burst} exchanges every ${burstMs} ms, node ${process.version}`,
  )
  console.log(
    `CPU per exchange (µs): median ${median(perRound).toFixed(1)}   rounds ${perRound.map((x) => x.toFixed(1)).join(" ")}`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
