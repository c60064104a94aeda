import { describe, expect, it } from "@effect/vitest"
import { Effect, type Layer, TestClock } from "effect"
import { RollingLogger, type RollingLoggerOptions, Session } from "../src/index.js"
import { MemoryWriter } from "../src/testing.js"

const at = (h: number, m = 0, s = 0) => Date.UTC(2024, 5, 3, h, m, s)

/** Lets fibers woken by a TestClock move on (the schedule's fiber mails the actor). */
const letFibersRun = Effect.forEach(Array.from({ length: 20 }), () => Effect.yieldNow(), { discard: true })

/** Moves the TestClock to `time` and waits until the logger has handled what that woke. */
const moveTo = (time: number) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(time)
    yield* letFibersRun
    const logger = yield* RollingLogger
    yield* logger.settle
  })

/**
 * Runs `body` with a test logger started at `start` on the TestClock (the schedule counts from the
 * logger's start: starting it at 1970 and jumping to 2024 would replay every 5-minute boundary since).
 */
const run = <A, E>(
  options: RollingLoggerOptions,
  body: Effect.Effect<A, E, RollingLogger>,
  start = at(12),
): Effect.Effect<A, unknown> =>
  Effect.zipRight(
    TestClock.setTime(start),
    body.pipe(
      Effect.provide(RollingLogger.layerTest(options) as Layer.Layer<RollingLogger, never, Session>),
      Effect.provide(Session.layerTest()),
    ),
  )

const counts = (memory: MemoryWriter) =>
  memory.writes.map((w) => ({
    bucket: new Date(w.bucket.start).toISOString().slice(11, 16),
    n: w.view.getColumn("x")?.counts?.n,
  }))

describe("write schedule on the TestClock", () => {
  it.effect("writes at wall-clock boundaries of the period, not relative to the start", () => {
    const memory = new MemoryWriter()
    return run(
      { datasetId: "d", writers: [memory], writeSchedule: { cadence: "minute", interval: 5 } },
      Effect.gen(function* () {
        const logger = yield* RollingLogger
        yield* moveTo(at(12, 3, 27))
        yield* logger.log(Array.from({ length: 10 }, (_, x) => ({ x })))
        yield* moveTo(at(12, 4, 59))
        expect(memory.writes).toHaveLength(0)
        yield* moveTo(at(12, 5, 0))
        yield* memory.waitForWrites(1)
        expect(counts(memory)).toEqual([{ bucket: "12:00", n: 10 }])
        // 12:08:27 would be "5 minutes after the start": nothing happens there.
        yield* logger.log({ x: 1 })
        yield* moveTo(at(12, 8, 27))
        expect(memory.writes).toHaveLength(1)
        yield* moveTo(at(12, 10, 0))
        yield* memory.waitForWrites(2)
        expect(counts(memory)[1]).toEqual({ bucket: "12:00", n: 1 })
      }),
    )
  })

  it.effect(
    "writes the current bucket as a snapshot of the rows since the last write, keeps it, then releases it once it ends",
    () => {
      const memory = new MemoryWriter()
      return run(
        {
          datasetId: "d",
          writers: [memory],
          aggregateBy: "hour",
          writeSchedule: { cadence: "minute", interval: 5 },
        },
        Effect.gen(function* () {
          const logger = yield* RollingLogger
          let logged = 0
          const logRows = (n: number) =>
            Effect.gen(function* () {
              yield* logger.log(Array.from({ length: n }, (_, x) => ({ x })))
              logged += n
            })
          yield* moveTo(at(12, 1))
          yield* logRows(10)
          yield* moveTo(at(12, 5))
          yield* memory.waitForWrites(1)
          // The bucket stays open after the snapshot, empty.
          expect((yield* logger.status).buckets).toEqual([
            { datasetId: "d", start: "2024-06-03T12:00:00.000Z", granularity: "hour", segments: 1, rows: 0 },
          ])
          yield* logRows(5)
          yield* moveTo(at(12, 10))
          yield* memory.waitForWrites(2)
          // Writes with nothing new write nothing.
          yield* moveTo(at(12, 15))
          yield* moveTo(at(12, 20))
          expect(memory.writes).toHaveLength(2)
          yield* moveTo(at(12, 59, 59))
          yield* logRows(3)
          // A row of an earlier hour (late data) goes to its own bucket, written at the next boundary.
          yield* logger.log({ x: 99 }, { timestamp: at(9, 30) })
          logged += 1
          yield* moveTo(at(13, 0))
          yield* memory.waitForWrites(4)
          expect(counts(memory)).toEqual([
            { bucket: "12:00", n: 10 },
            { bucket: "12:00", n: 5 },
            { bucket: "12:00", n: 3 },
            { bucket: "09:00", n: 1 },
          ])
          // Both ended buckets are released; nothing is left to write.
          expect((yield* logger.status).buckets).toEqual([])
          const flushed = yield* logger.flush
          expect(flushed.profiles).toBe(0)
          // Nothing was written twice: the snapshots add up to the rows logged.
          expect(memory.totalCount("x")).toBe(logged)
          expect(memory.totalRows()).toBe(logged)
        }),
      )
    },
  )

  it.effect("with writeSchedule null writes only on flush and close", () => {
    const memory = new MemoryWriter()
    return run(
      { datasetId: "d", writers: [memory], writeSchedule: null, aggregateBy: "minute" },
      Effect.gen(function* () {
        const logger = yield* RollingLogger
        yield* logger.log([{ x: 1 }, { x: 2 }])
        yield* moveTo(at(23, 59))
        yield* moveTo(at(24 + 5))
        expect(memory.writes).toHaveLength(0)
        yield* logger.log({ x: 3 })
        const result = yield* logger.flush
        expect(result).toMatchObject({ profiles: 2, rows: 3, stored: 2, failures: [] })
        // The first minute ended long ago and is released; the current one stays open.
        expect((yield* logger.status).buckets.map((b) => b.start)).toEqual(["2024-06-04T05:00:00.000Z"])
        yield* logger.log({ x: 4 })
        const closed = yield* logger.close
        expect(closed).toMatchObject({ profiles: 1, rows: 1 })
        expect(memory.totalCount("x")).toBe(4)
        expect((yield* logger.status).state).toBe("closed")
      }),
      at(1),
    )
  })

  it.effect("runs each dataset on its own schedule (loggerOptions)", () => {
    const memory = new MemoryWriter()
    return run(
      {
        datasetId: "fast",
        writers: [memory],
        writeSchedule: { cadence: "minute", interval: 5 },
        loggerOptions: (id) =>
          id === "slow" ? { writeSchedule: { cadence: "hour", interval: 1 }, aggregateBy: "day" } : {},
      },
      Effect.gen(function* () {
        const logger = yield* RollingLogger
        yield* moveTo(at(12, 1))
        yield* logger.log({ x: 1 })
        yield* logger.log([{ x: 2 }, { x: 3 }], { datasetId: "slow" })
        yield* moveTo(at(12, 5))
        yield* memory.waitForWrites(1)
        expect(memory.writes.map((w) => w.datasetId)).toEqual(["fast"])
        yield* moveTo(at(13, 0))
        yield* memory.waitForWrites(2)
        const slow = memory.find({ datasetId: "slow" })
        expect(slow).toHaveLength(1)
        expect(slow[0]?.bucket.granularity).toBe("day")
        expect(slow[0]?.rows).toBe(2)
      }),
    )
  })
})
