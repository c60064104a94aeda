import { mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { FakePlatform } from "@sketchlog/test-fixtures"
import { Effect, Layer } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest"
import {
  DatasetProfileView,
  RollingLogger,
  type RollingLoggerOptions,
  Session,
  WhyLabsWriter,
} from "../src/index.js"
import { bucketStart } from "../src/profile/index.js"

let platform: FakePlatform
let dir: string
beforeAll(async () => {
  platform = await FakePlatform.start({ seed: 7 })
})
afterAll(() => platform.close())
beforeEach(async () => {
  platform.reset()
  dir = await mkdtemp(join(tmpdir(), "sketchlog-platform-"))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const T0 = Date.UTC(2024, 2, 1)
const HOUR = 3_600_000

interface Call {
  readonly datasetId: string
  readonly timestamp: number
  readonly rows: ReadonlyArray<Record<string, unknown>>
}

/** `n` rows in calls of 1–40 rows, over 6 datasets × 4 hours × 2 segments (seeded). */
const plan = (n: number, seed: number): Call[] => {
  let state = seed
  const next = () => {
    state = (state * 48271) % 2147483647
    return state / 2147483647
  }
  const out: Call[] = []
  let x = 0
  while (x < n) {
    const size = Math.min(n - x, 1 + Math.floor(next() * 40))
    const rows = Array.from({ length: size }, () => ({
      x: x++,
      route: next() < 0.5 ? "/a" : "/b",
      v: next(),
    }))
    out.push({
      datasetId: `m-${Math.floor(next() * 6)}`,
      timestamp: T0 + Math.floor(next() * 4 * HOUR),
      rows,
    })
  }
  return out
}

const expectedCounts = (calls: ReadonlyArray<Call>): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const call of calls) {
    const key = `${call.datasetId}|${bucketStart(call.timestamp, "hour")}`
    out[key] = (out[key] ?? 0) + call.rows.length
  }
  return out
}

/** Σ counts/n of `x` per dataset and bucket over every profile the platform stored. */
const platformCounts = (): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const p of platform.profiles({ kind: "profile" })) {
    const view = DatasetProfileView.deserialize(p.bytes)
    expect(view.datasetTimestamp).toBe(p.datasetTimestamp)
    expect(p.segmentTags).toEqual(view.segment?.tags ?? [])
    const key = `${p.datasetId}|${p.datasetTimestamp}`
    out[key] = (out[key] ?? 0) + (view.getColumn("x")?.counts?.n ?? 0)
  }
  return out
}

/** Runs `body` with a logger uploading through a session bound to the fake platform. */
const withLogger = <A, E>(
  options: RollingLoggerOptions,
  body: Effect.Effect<A, E, RollingLogger | Session>,
): Effect.Effect<A, unknown> =>
  Effect.gen(function* () {
    const session = yield* Session
    return yield* body.pipe(
      Effect.provide(
        RollingLogger.layer({
          writers: [new WhyLabsWriter({ session })],
          segmentOn: ["route"],
          writeSchedule: null,
          outboxDir: join(dir, ".outbox"),
          retry: { maxRetries: 3, baseDelay: "5 millis", maxDelay: "20 millis" },
          ...options,
        }) as Layer.Layer<RollingLogger, never, Session>,
      ),
    )
  }).pipe(
    // Long enough that only the injected hangs time out: a call the platform completed but answered
    // late (a loaded machine) would time out too and be retried, uploading its profile twice — the
    // documented at-least-once edge, which these tests' exactly-once counts must not meet.
    Effect.provide(Session.layerTest({ platform, timeout: "2 seconds" })),
  )

const logAll = (calls: ReadonlyArray<Call>) =>
  Effect.gen(function* () {
    const logger = yield* RollingLogger
    yield* Effect.forEach(
      [0, 1, 2, 3],
      (k) =>
        Effect.forEach(
          calls.filter((_, i) => i % 4 === k),
          (call) => logger.log(call.rows, { datasetId: call.datasetId, timestamp: call.timestamp }),
          { discard: true },
        ),
      { concurrency: "unbounded", discard: true },
    )
  })

const outboxFiles = async () => {
  try {
    return (await readdir(join(dir, ".outbox", "whylabs"))).filter((f) => f.endsWith(".json"))
  } catch {
    return []
  }
}

describe("uploading through the session, against a failing platform", () => {
  it.live(
    "30% of calls failing, 429 with Retry-After, hanging and dropped connections: after close and a restart that replays the outbox, the platform has every row exactly once",
    () =>
      Effect.gen(function* () {
        const calls = plan(100_000, 11)
        platform.faults
          .rateLimit(2, 1, "api")
          .hang(2, "upload")
          .dropConnection(2, "api")
          .failFraction(0.3, 503, "api")
          .failFraction(0.3, 500, "upload")
        const first = yield* withLogger(
          {},
          Effect.gen(function* () {
            const logger = yield* RollingLogger
            yield* logAll(calls.slice(0, calls.length / 2))
            const flushed = yield* logger.flush
            yield* logAll(calls.slice(calls.length / 2))
            const closed = yield* logger.close
            const status = yield* logger.status
            return { flushed, closed, status }
          }),
        )
        expect(first.status.rows).toMatchObject({ accepted: 100_000, profiled: 100_000, dropped: 0 })
        // Some uploads failed for good and went to the outbox; nothing was lost.
        const kept = first.status.outbox?.entries ?? 0
        expect(kept).toBeGreaterThan(0)
        expect(yield* Effect.promise(outboxFiles)).toHaveLength(kept)
        expect(first.status.writers[0]?.retries).toBeGreaterThan(0)
        const statuses = platform.requests().map((r) => r.fault)
        expect(statuses).toEqual(expect.arrayContaining(["status", "hang", "drop"]))

        // The platform recovers; a new logger replays the outbox at start and its close waits for it.
        platform.faults.clear()
        const second = yield* withLogger(
          {},
          Effect.gen(function* () {
            const logger = yield* RollingLogger
            const closed = yield* logger.close
            return { closed, status: yield* logger.status }
          }),
        )
        expect(second.status.outbox?.entries).toBe(0)
        expect(second.closed.failures).toEqual([])
        expect(yield* Effect.promise(outboxFiles)).toEqual([])
        expect(platformCounts()).toEqual(expectedCounts(calls))
      }),
    60_000,
  )

  it.live("a platform that is down for the whole run loses nothing: everything waits in the outbox", () =>
    Effect.gen(function* () {
      const calls = plan(5_000, 12)
      platform.faults.down()
      const down = yield* withLogger(
        { retry: { maxRetries: 1, baseDelay: "1 millis" } },
        Effect.gen(function* () {
          const logger = yield* RollingLogger
          yield* logAll(calls)
          const closed = yield* logger.close
          return { closed, status: yield* logger.status }
        }),
      )
      expect(platform.profiles()).toHaveLength(0)
      expect(down.closed.stored).toBe(0)
      expect(down.status.outbox?.rows).toBe(5_000)
      expect(down.closed.failures.every((f) => f.outboxed)).toBe(true)
      platform.faults.up()
      // Up again: the next logger replays the outbox (at start, and its flush waits for that).
      const up = yield* withLogger(
        {},
        Effect.gen(function* () {
          const logger = yield* RollingLogger
          yield* logger.flush
          return yield* logger.status
        }),
      )
      expect(up.writers[0]?.stored).toBe(down.status.outbox?.entries)
      expect(yield* Effect.promise(outboxFiles)).toEqual([])
      expect(up.outbox).toMatchObject({ entries: 0, rows: 0 })
      expect(platformCounts()).toEqual(expectedCounts(calls))
    }),
  )

  it.live(
    "an anonymous session refuses segmented profiles with a clear reason; they wait in the outbox",
    () =>
      Effect.gen(function* () {
        const logger = yield* RollingLogger
        yield* logger.log({ x: 1, route: "/a" }, { datasetId: "m" })
        const flushed = yield* logger.flush
        expect(flushed.failures).toHaveLength(1)
        expect(flushed.failures[0]?.reason).toContain("anonymous sessions take no segmented profiles")
        expect(flushed.failures[0]?.outboxed).toBe(true)
        expect(platform.profiles()).toHaveLength(0)
      }).pipe(
        Effect.provide(
          Effect.gen(function* () {
            const session = yield* Session
            return RollingLogger.layer({
              writers: [new WhyLabsWriter({ session })],
              segmentOn: ["route"],
              writeSchedule: null,
              outboxDir: join(dir, ".outbox"),
            })
          }).pipe(Layer.unwrapEffect),
        ),
        Effect.provide(Session.layerTest({ platform, kind: "anonymous", allowAnonymous: true })),
      ),
  )
})
