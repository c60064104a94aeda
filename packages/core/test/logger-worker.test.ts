import { spawn } from "node:child_process"
import { existsSync, statSync } from "node:fs"
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createRollingLogger, DatasetProfileView } from "../src/index.js"
import { workerOf } from "../src/logger/internal/worker/WorkerPort.js"
import { bucketStart } from "../src/profile/index.js"
import type { RowsDropped, SessionEvent } from "../src/session/index.js"
import { MemoryWriter } from "../src/testing.js"

const T0 = Date.UTC(2024, 8, 1)
const HOUR = 3_600_000

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-worker-"))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const random = (seed: number) => {
  let state = seed
  return () => {
    state = (state * 48271) % 2147483647
    return state / 2147483647
  }
}

/** Rows with every kind of value, and a few rows that are not rows at all. */
const awkwardRows = (): unknown[] => {
  const rows: unknown[] = []
  for (let i = 0; i < 3000; i++) {
    const row: Record<string, unknown> = { i, name: i % 7 === 0 ? null : `n${i % 13}` }
    if (i % 3 === 0) row.sometimes = i * 0.5
    if (i % 5 === 0) row.nan = Number.NaN
    if (i % 11 === 0) row.fn = () => i
    if (i % 13 === 0) row.sym = Symbol("s")
    if (i % 17 === 0) row.map = new Map([[1, 2]])
    if (i % 19 === 0)
      row.tensor = [
        [1, 2],
        [3, 4],
      ]
    if (i % 23 === 0) row.typed = new Float32Array([1, 2])
    if (i % 29 === 0) row.when = new Date(i)
    if (i % 31 === 0) row.big = BigInt(i)
    if (i % 37 === 0) row.undef = undefined
    if (i % 41 === 0) row.weird = [() => 1]
    if (i % 43 === 0)
      Object.defineProperty(row, "throws", {
        enumerable: true,
        get() {
          throw new Error("no")
        },
      })
    rows.push(row)
  }
  rows.push("not a row", 42, null)
  rows.push(
    new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("no keys")
        },
      },
    ),
  )
  return rows
}

describe("worker mode", () => {
  it("profiles rows exactly as in-thread mode does, whatever they hold", async () => {
    const summaries: Record<string, unknown> = {}
    const dropped: Record<string, unknown> = {}
    for (const mode of ["in-thread", "worker"] as const) {
      const memory = new MemoryWriter()
      const logger = createRollingLogger({
        datasetId: "a",
        mode,
        writers: [memory],
        writeSchedule: null,
        closeOnExit: false,
      })
      await logger.log(awkwardRows() as never, { timestamp: T0 })
      await logger.close()
      expect(memory.writes).toHaveLength(1)
      // KLL compaction flips a random coin, so quantiles may differ by a rank; everything else is exact.
      const summary = memory.writes[0]?.view.summary() ?? {}
      summaries[mode] = Object.fromEntries(
        Object.entries(summary).map(([name, row]) => [
          name,
          Object.fromEntries(Object.entries(row).filter(([key]) => !/^distribution\/(q_|median)/.test(key))),
        ]),
      )
      dropped[mode] = logger.status().rows.droppedByReason
    }
    expect(summaries.worker).toEqual(summaries["in-thread"])
    expect(dropped.worker).toEqual({ "invalid-row": 4 })
    expect(dropped["in-thread"]).toEqual({ "invalid-row": 4 })
  })

  it("profiles in a worker thread with the same accounting: 100,000 rows, 8 datasets, random hours, 4 concurrent producers, block mode", async () => {
    const memory = new MemoryWriter()
    const logger = createRollingLogger({
      mode: "worker",
      writers: [memory],
      queueCapacity: 2_000,
      writeSchedule: null,
      segmentOn: ["kind"],
      closeOnExit: false,
    })
    const next = random(5)
    const planned = Array.from({ length: 100_000 }, (_, x) => ({
      datasetId: `w-${Math.floor(next() * 8)}`,
      timestamp: T0 + Math.floor(next() * 6 * HOUR),
      row: { x, kind: x % 2 === 0 ? "even" : "odd", v: next() },
    }))
    const expected: Record<string, number> = {}
    for (const p of planned) {
      const key = `${p.datasetId}|${bucketStart(p.timestamp, "hour")}`
      expected[key] = (expected[key] ?? 0) + 1
    }
    const producer = async (k: number) => {
      for (let i = k; i < planned.length; i += 4) {
        const p = planned[i] as (typeof planned)[number]
        await logger.log(p.row, { datasetId: p.datasetId, timestamp: p.timestamp })
      }
    }
    await Promise.all([producer(0), producer(1), producer(2), producer(3), logger.flush()])
    await logger.close()
    const status = logger.status()
    expect(status.mode).toBe("worker")
    expect(status.rows).toMatchObject({ received: 100_000, accepted: 100_000, profiled: 100_000, dropped: 0 })
    expect(status.worker?.restarts).toBe(0)
    const written: Record<string, number> = {}
    for (const w of memory.writes) {
      const key = `${w.datasetId}|${w.bucket.start}`
      written[key] = (written[key] ?? 0) + (w.view.getColumn("x")?.counts?.n ?? 0)
    }
    expect(written).toEqual(expected)
  })

  it("restarts a crashed worker and reports the rows it held as dropped (worker-crash), never hides them", async () => {
    const memory = new MemoryWriter()
    const logger = createRollingLogger({
      datasetId: "crash",
      mode: "worker",
      writers: [memory],
      writeSchedule: null,
      closeOnExit: false,
    })
    const events: SessionEvent[] = []
    const stop = logger.onEvent((e) => events.push(e))
    for (let x = 0; x < 10_000; x++) void logger.log({ x }, { timestamp: T0 })
    // Profiled in the worker, not yet written: exactly what a crash loses.
    await logger.settle()
    expect(logger.status().worker?.threadId).toBeDefined()
    const worker = workerOf.get(logger.service)?.()
    expect(worker).toBeDefined()
    await worker?.terminate()
    for (let x = 0; x < 5_000; x++) await logger.log({ x }, { timestamp: T0 })
    const result = await logger.close()
    await stop()
    const status = logger.status()
    expect(status.worker?.restarts).toBe(1)
    expect(status.rows.droppedByReason["worker-crash"]).toBe(10_000)
    expect(status.lastError?.message).toContain("worker")
    expect(memory.totalCount("x")).toBe(5_000)
    expect(result.rows).toBe(5_000)
    const reported = events.filter((e): e is RowsDropped => e._tag === "RowsDropped")
    expect(reported).toEqual([
      expect.objectContaining({ datasetId: "crash", count: 10_000, reason: "worker-crash" }),
    ])
  })

  it("answers sync calls across the thread with the same typed errors", async () => {
    const memory = new MemoryWriter()
    const logger = createRollingLogger({
      datasetId: "s",
      mode: "worker",
      writers: [memory],
      writeSchedule: null,
      outboxDir: false,
      closeOnExit: false,
    })
    await logger.log({ x: 1 }, { sync: true })
    await expect(logger.log({ x: 1 }, { sync: true, timestamp: Number.NaN })).rejects.toMatchObject({
      _tag: "RowsDroppedError",
      reason: "invalid-timestamp",
    })
    memory.failAlways({ reason: "nope", retryable: false })
    await expect(logger.log({ x: 2 }, { sync: "written" })).rejects.toMatchObject({
      _tag: "WriteFailedError",
      failures: [{ writer: "memory", outboxed: false }],
    })
    memory.recover()
    await logger.log({ x: 3 }, { sync: "written" })
    // The two rows before the failed write: the failed profile is reported lost, not written.
    expect(memory.totalCount("x")).toBe(1)
    await logger.close()
    expect(logger.status().rows.droppedByReason).toMatchObject({ "invalid-timestamp": 1, "write-failed": 2 })
  })
})

const coreRoot = fileURLToPath(new URL("..", import.meta.url))
const distEntry = join(coreRoot, "dist", "logger", "internal", "worker", "workerEntry.js")
const srcEntry = join(coreRoot, "src", "logger", "internal", "worker", "workerEntry.ts")
/** The built package is only tested when it is at least as new as the worker entry's source. */
const distFresh = existsSync(distEntry) && statSync(distEntry).mtimeMs >= statSync(srcEntry).mtimeMs

describe("worker mode from the built package", () => {
  it.skipIf(!distFresh)(
    "runs the worker entry from dist/ with plain Node (after `tsc -b packages/core`)",
    async () => {
      const script = `
      const { createRollingLogger, LocalWriter } = await import(${JSON.stringify(join(coreRoot, "dist", "index.js"))})
      const logger = createRollingLogger({ datasetId: "dist", mode: "worker", writers: [new LocalWriter({ dir: ${JSON.stringify(dir)} })], closeOnExit: false })
      for (let x = 0; x < 1000; x++) logger.log({ x }, { timestamp: ${T0} })
      await logger.close()
      console.log(JSON.stringify(logger.status().rows))
    `
      const out = await new Promise<string>((resolve, reject) => {
        const proc = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "pipe" })
        let text = ""
        let err = ""
        proc.stdout.on("data", (d: Buffer) => {
          text += d.toString()
        })
        proc.stderr.on("data", (d: Buffer) => {
          err += d.toString()
        })
        proc.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}: ${err}`))))
      })
      expect(JSON.parse(out.trim())).toMatchObject({ accepted: 1000, profiled: 1000 })
      const [file] = await readdir(join(dir, "dist"))
      const view = DatasetProfileView.deserialize(await readFile(join(dir, "dist", file as string)))
      expect(view.getColumn("x")?.counts?.n).toBe(1000)
    },
  )
})
