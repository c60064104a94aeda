/**
 * Rolling-logger benchmark (`pnpm bench:logger`): what `log()` costs the caller (median and p99 per
 * row) in both modes, sustained rows/s end to end with a 20-column row, the event-loop delay (p99)
 * added while logging 50,000 rows/s in worker vs in-thread mode, and the memory the logger holds with
 * 1, 10 and 100 datasets. Prints figures; asserts nothing.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import type * as Core from "../src/index.js"
import type { Row, Writer } from "../src/index.js"
import type { LoggerMode } from "../src/logger/index.js"
import type * as Testing from "../src/testing.js"
import { mixedRow } from "./internal/MixedRows.js"

// The built package by default (`pnpm bench:logger` builds it first): a worker started from the
// TypeScript sources runs them through tsx's loader, which makes it about half as fast. `--src`
// measures the sources instead.
const fromSource = process.argv.includes("--src")
const { createRollingLogger, LocalWriter } = (await import(
  fromSource ? "../src/index.js" : "../dist/index.js"
)) as typeof Core
const { MemoryWriter } = (await import(
  fromSource ? "../src/testing.js" : "../dist/testing.js"
)) as typeof Testing

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void

const ROWS = Array.from({ length: 50_000 }, (_, i) => mixedRow(i))
const rowAt = (i: number): Row => ROWS[i % ROWS.length] as Row

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
const quantile = (sorted: Float64Array, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0

/** A writer that drops what it gets: the benchmark measures the logger, not a disk. */
const discard = (): Writer => new MemoryWriter({ name: "discard" })

const make = (mode: LoggerMode, writers: ReadonlyArray<Writer> = [discard()], datasetId = "bench") =>
  createRollingLogger({ datasetId, mode, writers, writeSchedule: null, closeOnExit: false, outboxDir: false })

/** Caller cost: the time of each `log()` call, paced at `rate` rows/s in bursts every millisecond. */
const callerCost = async (mode: LoggerMode, rate: number, seconds: number) => {
  const logger = make(mode)
  const perTick = Math.round(rate / 1000)
  const samples = new Float64Array(rate * seconds)
  let n = 0
  const start = performance.now()
  while (n < samples.length) {
    const target = start + (n / rate) * 1000
    const wait = target - performance.now()
    if (wait > 1) await sleep(wait)
    else await nextTurn()
    for (let k = 0; k < perTick && n < samples.length; k++) {
      const row = rowAt(n)
      const t = process.hrtime.bigint()
      void logger.log(row)
      samples[n++] = Number(process.hrtime.bigint() - t)
    }
  }
  await logger.close()
  // Two hrtime reads alone, the floor of every sample.
  const floor = new Float64Array(20_000)
  for (let i = 0; i < floor.length; i++) {
    const t = process.hrtime.bigint()
    floor[i] = Number(process.hrtime.bigint() - t)
  }
  samples.sort()
  floor.sort()
  return { median: quantile(samples, 0.5), p99: quantile(samples, 0.99), floor: quantile(floor, 0.5) }
}

/** Sustained rows/s: log `total` rows as fast as back-pressure allows, until close() has written them all. */
const throughput = async (mode: LoggerMode, total: number, writers?: ReadonlyArray<Writer>) => {
  const logger = make(mode, writers)
  const start = performance.now()
  // Several producers, as a server has, each awaiting log() (resolved at once unless the queue is full).
  const producers = 4
  await Promise.all(
    Array.from({ length: producers }, async (_, p) => {
      for (let i = p; i < total; i += producers) await logger.log(rowAt(i))
    }),
  )
  await logger.close()
  const seconds = (performance.now() - start) / 1000
  const status = logger.status()
  if (status.rows.profiled !== total) throw new Error(`profiled ${status.rows.profiled} of ${total}`)
  return total / seconds
}

/** Event-loop delay p99 (ms) while logging `rate` rows/s for `seconds`, or nothing when mode is undefined. */
const loopDelay = async (mode: LoggerMode | undefined, rate: number, seconds: number) => {
  const logger = mode === undefined ? undefined : make(mode)
  // A clean heap, so an earlier section's garbage is not collected during this one.
  gc()
  gc()
  await sleep(200)
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  histogram.enable()
  const elu = performance.eventLoopUtilization()
  let n = 0
  const start = performance.now()
  // Every millisecond (or as often as the loop gets there), the rows due by now at `rate`.
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - start) / 1000) * rate)
    for (; n < due; n++) if (logger !== undefined) void logger.log(rowAt(n))
  }, 1)
  await sleep(seconds * 1000)
  clearInterval(timer)
  histogram.disable()
  const utilization = performance.eventLoopUtilization(elu).utilization
  await logger?.close()
  return { p99: histogram.percentile(99) / 1e6, p50: histogram.percentile(50) / 1e6, rows: n, utilization }
}

/** Heap + array buffers the logger holds after `rows` rows over `datasets` datasets (one bucket each). */
const memoryWith = async (datasets: number, rows: number) => {
  gc()
  gc()
  const before = process.memoryUsage()
  const logger = make("in-thread")
  for (let i = 0; i < rows; i++) {
    void logger.log(rowAt(i), { datasetId: `ds-${i % datasets}` })
    if (i % 5000 === 4999) await logger.settle()
  }
  await logger.settle()
  gc()
  gc()
  const after = process.memoryUsage()
  const held = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)
  await logger.close()
  return held / 1024 / 1024
}

/** `--only=cost,rate,delay,memory` runs some sections (default: all). */
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",")
const runs = (section: string) => only === undefined || only.includes(section)

const main = async () => {
  console.log(
    `sketchlog rolling-logger benchmark — node ${process.version}, 20-column rows, ${fromSource ? "sources (tsx)" : "built package (dist/)"}`,
  )
  console.log("(figures vary with the machine's load; see the README for repeated runs)\n")

  if (runs("cost")) {
    console.log("caller cost of log() per row, paced at 50,000 rows/s for 3 s (hrtime around each call):")
    for (const mode of ["in-thread", "worker"] as const) {
      const cost = await callerCost(mode, 50_000, 3)
      console.log(
        `  ${mode.padEnd(9)}  median ${fmt(cost.median)} ns   p99 ${fmt(cost.p99)} ns   (two hrtime reads alone: ${fmt(cost.floor)} ns)`,
      )
    }
  }

  if (runs("rate")) {
    console.log("\nsustained rows/s end to end (log → profile → written, close() included), 300,000 rows:")
    for (const mode of ["in-thread", "worker"] as const) {
      const rate = await throughput(mode, 300_000)
      console.log(`  ${mode.padEnd(9)}  ${fmt(rate)} rows/s (memory writer)`)
    }
    const dir = await mkdtemp(join(tmpdir(), "sketchlog-bench-"))
    try {
      const rate = await throughput("worker", 300_000, [new LocalWriter({ dir })])
      console.log(`  worker     ${fmt(rate)} rows/s (LocalWriter to ${tmpdir()})`)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  if (runs("delay")) {
    console.log(
      "\nevent-loop delay while logging 50,000 rows/s for 4 s (monitorEventLoopDelay, 1 ms resolution):",
    )
    const idle = await loopDelay(undefined, 50_000, 4)
    console.log(
      `  no logger  p50 ${fmt(idle.p50, 2)} ms   p99 ${fmt(idle.p99, 2)} ms   main-thread busy ${fmt(idle.utilization * 100, 1)}%`,
    )
    for (const mode of ["worker", "in-thread"] as const) {
      const delay = await loopDelay(mode, 50_000, 4)
      console.log(
        `  ${mode.padEnd(9)}  p50 ${fmt(delay.p50, 2)} ms   p99 ${fmt(delay.p99, 2)} ms   added p99 ${fmt(delay.p99 - idle.p99, 2)} ms   main-thread busy ${fmt(delay.utilization * 100, 1)}%   (${fmt(delay.rows)} rows)`,
      )
    }
  }

  if (runs("memory")) {
    console.log(
      "\nmemory held by an in-thread logger (heap + array buffers, after gc), one hour bucket per dataset:",
    )
    for (const datasets of [1, 10, 100]) {
      const small = await memoryWith(datasets, 200_000)
      const large = await memoryWith(datasets, 600_000)
      console.log(
        `  ${String(datasets).padStart(3)} datasets  ${fmt(small, 1)} MB at 200,000 rows   ${fmt(large, 1)} MB at 600,000 rows`,
      )
    }
  }
}

await main()
