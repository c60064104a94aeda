import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Fiber, Queue, TestClock } from "effect"
import { afterEach, beforeEach } from "vitest"
import { createRollingLogger, RollingLogger, Session } from "../src/index.js"
import { LogRequest } from "../src/logger/index.js"
import { MemoryWriter } from "../src/testing.js"
import { waitUntil } from "./waitUntil.js"

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
