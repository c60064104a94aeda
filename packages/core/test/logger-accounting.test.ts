import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { uniforms } from "@sketchlog/test-fixtures"
import { Effect, Either, Fiber, Queue, TestClock } from "effect"
import { afterEach, beforeEach } from "vitest"
import { createRollingLogger, RollingLogger, Session } from "../src/index.js"
import { LogRequest } from "../src/logger/index.js"
import { bucketStart } from "../src/profile/index.js"
import type { RowsDropped, SessionEvent } from "../src/session/index.js"
import { MemoryWriter } from "../src/testing.js"

const T0 = Date.UTC(2024, 0, 1)
const HOUR = 3_600_000

interface Planned {
  readonly datasetId: string
  readonly timestamp: number
  readonly row: Record<string, unknown>
}

const HOURS = 6

/**
 * N rows over `datasets` datasets and HOURS hours, in groups of 1 to 64 rows that share a dataset and
 * a random timestamp (one `log` call each), each row with the counted column `x` and a segment column.
 */
const plan = (n: number, datasets: number, seed: number): Planned[] => {
  const next = uniforms(seed)
  const out: Planned[] = []
  while (out.length < n) {
    const datasetId = `ds-${Math.floor(next() * datasets)}`
    const timestamp = T0 + Math.floor(next() * HOURS * HOUR)
    const size = Math.min(n - out.length, next() < 0.3 ? 1 : 1 + Math.floor(next() * 64))
    for (let k = 0; k < size; k++) {
      const x = out.length
      out.push({
        datasetId,
        timestamp,
        row: { x, route: `/r${x % 2}`, ok: next() < 0.9, note: next() < 0.5 ? null : "n" },
      })
    }
  }
  return out
}

/** The rows of `planned` as log calls: consecutive rows of one dataset and time go in one call. */
const calls = (planned: ReadonlyArray<Planned>): Planned[][] => {
  const out: Planned[][] = []
  for (const p of planned) {
    const last = out.at(-1)
    if (last !== undefined && last[0]?.datasetId === p.datasetId && last[0]?.timestamp === p.timestamp)
      last.push(p)
    else out.push([p])
  }
  return out
}

/** Expected rows per `dataset|bucket start`. */
const expected = (rows: ReadonlyArray<Planned>): Map<string, number> => {
  const out = new Map<string, number>()
  for (const { datasetId, timestamp } of rows) {
    const key = `${datasetId}|${bucketStart(timestamp, "hour")}`
    out.set(key, (out.get(key) ?? 0) + 1)
  }
  return out
}

/** Σ counts/n of `x` per `dataset|bucket start` over every written profile. */
const written = (memory: MemoryWriter): Map<string, number> => {
  const out = new Map<string, number>()
  for (const w of memory.writes) {
    const key = `${w.datasetId}|${w.bucket.start}`
    out.set(key, (out.get(key) ?? 0) + (w.view.getColumn("x")?.counts?.n ?? 0))
  }
  return out
}

/** Polls `condition` on the event loop (never asserting on time): fails only if it never holds. */
const waitUntil = async (condition: () => boolean, limitMs = 10_000): Promise<void> => {
  const until = Date.now() + limitMs
  while (!condition()) {
    if (Date.now() > until) throw new Error("the condition never held")
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const sorted = (m: Map<string, number>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1))

const chunks = <A>(items: ReadonlyArray<A>, parts: number): A[][] =>
  Array.from({ length: parts }, (_, p) => items.filter((_, i) => i % parts === p))

describe("exact accounting", () => {
  it.live(
    "block mode, Effect face: 120,000 rows from 8 concurrent producers into 12 datasets × 6 hours × 2 segments, flushed while logging; Σ counts/n = N per dataset and bucket, nothing dropped",
    () => {
      const memory = new MemoryWriter()
      const rows = plan(120_000, 12, 1)
      return Effect.gen(function* () {
        const logger = yield* RollingLogger
        const producer = (part: ReadonlyArray<Planned[]>) =>
          Effect.forEach(
            part,
            (call) => {
              const batch = call.map((p) => p.row)
              const options = { datasetId: call[0]?.datasetId, timestamp: call[0]?.timestamp }
              return logger.log(batch.length === 1 ? (batch[0] as Record<string, unknown>) : batch, options)
            },
            { discard: true },
          )
        const flusher = Effect.forEach(Array.from({ length: 3 }), () =>
          Effect.zipRight(Effect.sleep("5 millis"), logger.flush),
        )
        yield* Effect.all([...chunks(calls(rows), 8).map(producer), flusher], { concurrency: "unbounded" })
        yield* logger.close
        const status = yield* logger.status
        expect(status.state).toBe("closed")
        expect(status.rows).toMatchObject({
          received: 120_000,
          accepted: 120_000,
          profiled: 120_000,
          dropped: 0,
        })
        expect(status.queue.rows).toBe(0)
        expect(sorted(written(memory))).toEqual(sorted(expected(rows)))
        expect(memory.totalRows()).toBe(120_000)
        // Segmented: one profile per route, each tagged with it.
        expect(new Set(memory.writes.map((w) => w.segment?.values[0]))).toEqual(new Set(["/r0", "/r1"]))
      }).pipe(
        Effect.provide(
          RollingLogger.layerTest({
            writers: [memory],
            segmentOn: ["route"],
            queueCapacity: 500,
            writeSchedule: null,
          }),
        ),
        Effect.provide(Session.layerTest()),
      )
    },
  )

  it("block mode, Promise face: concurrent async producers awaiting log() under back-pressure, worker-free", async () => {
    const memory = new MemoryWriter()
    const rows = plan(100_000, 10, 3)
    const logger = createRollingLogger({
      writers: [memory],
      queueCapacity: 300,
      writeSchedule: null,
      closeOnExit: false,
    })
    let waited = 0
    let sawWaiting = 0
    const producer = async (part: ReadonlyArray<Planned>) => {
      for (const { datasetId, timestamp, row } of part) {
        const pending = logger.log(row, { datasetId, timestamp })
        if (waited % 997 === 0 && logger.status().queue.waiting > 0) sawWaiting++
        // A full queue hands back a pending promise; awaiting it is the back-pressure.
        await pending
        waited++
      }
    }
    await Promise.all([...chunks(rows, 6).map(producer), logger.flush(), logger.flush()])
    await logger.close()
    expect(waited).toBe(100_000)
    expect(sawWaiting).toBeGreaterThan(0)
    const status = logger.status()
    expect(status.rows).toMatchObject({ received: 100_000, accepted: 100_000, profiled: 100_000, dropped: 0 })
    expect(sorted(written(memory))).toEqual(sorted(expected(rows)))
  })

  it.live(
    "drop mode: rows that do not fit are dropped, counted by reason and reported, and the rest add up",
    () => {
      const memory = new MemoryWriter()
      const rows = plan(20_000, 3, 4)
      return Effect.gen(function* () {
        const session = yield* Session
        const events = yield* session.subscribe
        const logger = yield* RollingLogger
        // 20 producers at once, each a batch of 1,000 rows, plus one batch larger than the whole queue.
        const batches = chunks(rows, 20)
        yield* Effect.forEach(
          batches,
          (batch) =>
            Effect.forEach(
              chunks(batch, 1),
              (part) =>
                logger.log(
                  part.map((p) => p.row),
                  { datasetId: part[0]?.datasetId, timestamp: T0 },
                ),
              { discard: true },
            ),
          { concurrency: "unbounded", discard: true },
        )
        yield* logger.close
        const status = yield* logger.status
        const dropped = status.rows.droppedByReason["queue-full"] ?? 0
        expect(dropped).toBeGreaterThan(0)
        expect(status.rows.dropped).toBe(dropped)
        expect(status.rows.accepted + dropped).toBe(20_000)
        expect(memory.totalCount("x")).toBe(status.rows.accepted)
        const reported = Array.from(yield* Queue.takeAll(events)).filter(
          (e): e is RowsDropped => e._tag === "RowsDropped",
        )
        expect(reported.every((e) => e.reason === "queue-full")).toBe(true)
        expect(reported.reduce((n, e) => n + e.count, 0)).toBe(dropped)
      }).pipe(
        Effect.scoped,
        Effect.provide(
          RollingLogger.layerTest({
            writers: [memory],
            overflow: "drop",
            queueCapacity: 1000,
            writeSchedule: null,
          }),
        ),
        Effect.provide(Session.layerTest()),
      )
    },
  )

  it("drop mode, Promise face: a burst beyond the capacity is dropped and reported, never thrown", async () => {
    const memory = new MemoryWriter()
    const logger = createRollingLogger({
      datasetId: "burst",
      writers: [memory],
      overflow: "drop",
      queueCapacity: 256,
      writeSchedule: null,
      closeOnExit: false,
    })
    const events: SessionEvent[] = []
    const stop = logger.onEvent((e) => events.push(e))
    for (let i = 0; i < 5000; i++) void logger.log({ x: i })
    await logger.close()
    await stop()
    const status = logger.status()
    const dropped = status.rows.droppedByReason["queue-full"] ?? 0
    expect(status.rows.accepted).toBe(256)
    expect(dropped).toBe(5000 - 256)
    expect(memory.totalCount("x")).toBe(256)
    const reported = events.filter((e): e is RowsDropped => e._tag === "RowsDropped")
    expect(reported.reduce((n, e) => n + e.count, 0)).toBe(dropped)
  })
})

describe("sync logging, invalid input, typed errors", () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sketchlog-logger-"))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it.live("sync resolves once rows are profiled and rejects with the reason rows were not", () => {
    const memory = new MemoryWriter()
    return Effect.gen(function* () {
      const logger = yield* RollingLogger
      yield* logger.log([{ x: 1 }, { x: 2 }], { sync: true })
      expect((yield* logger.status).rows.profiled).toBe(2)
      const invalid = [
        [logger.log({ x: 1 }, { sync: true, timestamp: Number.NaN }), "invalid-timestamp"],
        [logger.log({ x: 1 }, { sync: true, timestamp: -1 }), "invalid-timestamp"],
        [logger.log("not a row" as never, { sync: true }), "invalid-row"],
        [logger.log({ x: 1 }, { sync: true, datasetId: "" }), "no-dataset"],
      ] as const
      for (const [call, reason] of invalid) {
        const error = yield* Effect.flip(call)
        expect(error).toMatchObject({ _tag: "RowsDroppedError", reason, count: 1 })
      }
      // Timestamp 0 is a real time (1970-01-01), not "now".
      yield* logger.log({ x: 3 }, { sync: "written", timestamp: 0 })
      expect(memory.writes.at(-1)?.bucket.start).toBe(0)
      const status = yield* logger.status
      expect(status.rows.droppedByReason).toEqual({
        "invalid-timestamp": 2,
        "invalid-row": 1,
        "no-dataset": 1,
      })
    }).pipe(
      Effect.provide(RollingLogger.layerTest({ datasetId: "d", writers: [memory], writeSchedule: null })),
      Effect.provide(Session.layerTest()),
    )
  })

  it.live(
    "sync 'written' reports a write failure; the profile is kept in the outbox and the status shows it",
    () => {
      const memory = new MemoryWriter().failAlways({ reason: "disk on fire", retryable: false })
      return Effect.gen(function* () {
        const logger = yield* RollingLogger
        const error = yield* Effect.flip(logger.log({ x: 1 }, { sync: "written" }))
        expect(error._tag).toBe("WriteFailedError")
        expect(error).toMatchObject({ failures: [{ writer: "memory", outboxed: true }] })
        expect(error.message).toContain("disk on fire")
        const status = yield* logger.status
        expect(status.writers[0]).toMatchObject({ name: "memory", failed: 1, stored: 0 })
        expect(status.writers[0]?.lastError?.message).toContain("disk on fire")
        expect(status.lastError?.message).toContain("disk on fire")
        expect(status.outbox).toMatchObject({ entries: 1, rows: 1 })
        // Once the writer recovers, the next flush replays the outbox.
        memory.recover()
        const flushed = yield* logger.flush
        expect(flushed.replayed).toBe(1)
        expect((yield* logger.status).outbox).toMatchObject({ entries: 0, rows: 0 })
        expect(memory.totalCount("x")).toBe(1)
      }).pipe(
        Effect.provide(
          RollingLogger.layerTest({
            datasetId: "d",
            writers: [memory],
            writeSchedule: null,
            outboxDir: join(dir, ".outbox"),
          }),
        ),
        Effect.provide(Session.layerTest()),
      )
    },
  )

  it.live("without an outbox a failed write is reported lost (RowsDropped write-failed), not hidden", () => {
    const memory = new MemoryWriter().failAlways({ retryable: false })
    return Effect.gen(function* () {
      const events = yield* (yield* Session).subscribe
      const logger = yield* RollingLogger
      const error = yield* Effect.flip(logger.log([{ x: 1 }, { x: 2 }], { sync: "written" }))
      expect(error).toMatchObject({ _tag: "WriteFailedError", failures: [{ outboxed: false }] })
      const dropped = Array.from(yield* Queue.takeAll(events)).filter((e) => e._tag === "RowsDropped")
      expect(dropped).toMatchObject([{ datasetId: "d", count: 2, reason: "write-failed" }])
    }).pipe(
      Effect.scoped,
      Effect.provide(RollingLogger.layerTest({ datasetId: "d", writers: [memory], writeSchedule: null })),
      Effect.provide(Session.layerTest()),
    )
  })

  it.effect(
    "retries retryable failures, waiting what Retry-After asks (on the TestClock), before storing",
    () => {
      const memory = new MemoryWriter().failNext(2, { retryAfterMillis: 30_000 })
      const letFibersRun = Effect.forEach(Array.from({ length: 20 }), () => Effect.yieldNow(), {
        discard: true,
      })
      return Effect.gen(function* () {
        const logger = yield* RollingLogger
        const write = yield* Effect.fork(logger.log({ x: 1 }, { sync: "written" }))
        yield* letFibersRun
        expect(memory.attempts).toBe(1)
        // The backoff alone would retry after 1 ms; Retry-After says 30 s.
        yield* TestClock.adjust("29999 millis")
        yield* letFibersRun
        expect(memory.attempts).toBe(1)
        yield* TestClock.adjust("1 millis")
        yield* letFibersRun
        expect(memory.attempts).toBe(2)
        yield* TestClock.adjust("30 seconds")
        yield* Fiber.join(write)
        expect(memory.attempts).toBe(3)
        expect((yield* logger.status).writers[0]).toMatchObject({ stored: 1, retries: 2, failed: 0 })
      }).pipe(
        Effect.provide(
          RollingLogger.layerTest({
            datasetId: "d",
            writers: [memory],
            writeSchedule: null,
            retry: { baseDelay: "1 millis", jitter: false },
          }),
        ),
        Effect.provide(Session.layerTest()),
      )
    },
  )

  it.effect("gives up at once on a Retry-After beyond maxRetryAfter, and after maxRetries", () => {
    const memory = new MemoryWriter().failNext(1, { retryAfterMillis: 10 * 60_000 })
    return Effect.gen(function* () {
      const logger = yield* RollingLogger
      const error = yield* Effect.flip(logger.log({ x: 1 }, { sync: "written" }))
      expect(error._tag).toBe("WriteFailedError")
      expect(memory.attempts).toBe(1)
      memory.failAlways({})
      const again = yield* Effect.fork(Effect.flip(logger.log({ x: 2 }, { sync: "written" })))
      yield* TestClock.adjust("1 minute")
      expect((yield* Fiber.join(again))._tag).toBe("WriteFailedError")
      // One attempt and maxRetries (2) retries.
      expect(memory.attempts).toBe(1 + 3)
    }).pipe(
      Effect.provide(
        RollingLogger.layerTest({
          datasetId: "d",
          writers: [memory],
          writeSchedule: null,
          retry: { maxRetries: 2, baseDelay: "1 millis", maxRetryAfter: "2 minutes" },
        }),
      ),
      Effect.provide(Session.layerTest()),
    )
  })

  it.live("takes whylogs log requests as they arrive, and names the field of a malformed one", () => {
    const memory = new MemoryWriter()
    return Effect.gen(function* () {
      const logger = yield* RollingLogger
      const body = JSON.parse(
        '{"datasetId":"model-7","timestamp":1704067200000,"multiple":{"columns":["x","name"],"data":[[1,"a"],[2,"b"],[3,null]]}}',
      )
      const decoded = LogRequest.decodeJson(body)
      if (Either.isLeft(decoded)) throw new Error(String(decoded.left))
      yield* logger.logRequest(decoded.right, { sync: "written" })
      const [write] = memory.writes
      expect(write?.datasetId).toBe("model-7")
      expect(write?.bucket.start).toBe(1704067200000)
      expect(write?.view.getColumn("x")?.counts?.n).toBe(3)
      expect(write?.view.getColumn("name")?.counts?.null).toBe(1)
      const ragged = LogRequest.decodeJson({
        datasetId: "m",
        multiple: { columns: ["a", "b"], data: [[1, 2], [3]] },
      })
      expect(Either.isLeft(ragged) && String(ragged.left)).toContain("data[1] has 1 values for 2 columns")
      const noDataset = LogRequest.decodeJson({ multiple: { columns: [], data: [] } })
      expect(Either.isLeft(noDataset) && String(noDataset.left)).toContain("datasetId")
    }).pipe(
      Effect.provide(RollingLogger.layerTest({ writers: [memory], writeSchedule: null })),
      Effect.provide(Session.layerTest()),
    )
  })
})

describe("closing", () => {
  it("close is idempotent, later logs get LoggerClosedError, and the status goes running → closing → closed", async () => {
    let release: (() => void) | undefined
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const memory = new MemoryWriter()
    const slow = {
      name: "slow",
      write: (p: Parameters<MemoryWriter["write"]>[0]) =>
        Effect.zipRight(
          Effect.promise(() => gate),
          memory.write(p),
        ),
    }
    const logger = createRollingLogger({
      datasetId: "d",
      writers: [slow],
      writeSchedule: null,
      closeOnExit: false,
    })
    expect(logger.status().state).toBe("running")
    await logger.log({ x: 1 })
    const first = logger.close()
    const second = logger.close()
    expect(first).toBe(second)
    expect(logger.status().state).toBe("closing")
    await expect(logger.log({ x: 2 })).rejects.toMatchObject({ _tag: "LoggerClosedError" })
    // A forgotten rejected promise from log() after close is not an unhandled rejection.
    void logger.log({ x: 3 })
    await waitUntil(() => logger.status().writes.pending === 1)
    release?.()
    const result = await first
    expect(result).toMatchObject({ profiles: 1, rows: 1, stored: 1 })
    const status = logger.status()
    expect(status.state).toBe("closed")
    expect(status.rows.droppedByReason.closed).toBe(2)
    expect(memory.totalCount("x")).toBe(1)
    await expect(logger.flush()).rejects.toMatchObject({ _tag: "LoggerClosedError" })
  })
})
