import { describe, expect, it } from "@effect/vitest"
import { uniforms } from "@sketchlog/test-fixtures"
import { Effect, Queue } from "effect"
import { createRollingLogger, RollingLogger, Session } from "../src/index.js"
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
