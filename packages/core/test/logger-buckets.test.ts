import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { RollingLogger, Session } from "../src/index.js"
import {
  bucketStart,
  nextBucketStart,
  TimeBucket,
  type TimeGranularity,
  timeGranularities,
} from "../src/profile/index.js"
import { MemoryWriter } from "../src/testing.js"

const utc = (y: number, mo: number, d = 1, h = 0, mi = 0, s = 0, ms = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s, ms)

describe("time buckets (UTC, no time zone or DST)", () => {
  // 2024-03-31 is the European DST switch and 2024-03-10 the US one: UTC floors ignore both.
  const cases: ReadonlyArray<[TimeGranularity, number, number, number]> = [
    ["second", utc(2024, 3, 31, 1, 0, 59, 999), utc(2024, 3, 31, 1, 0, 59), utc(2024, 3, 31, 1, 1, 0)],
    ["minute", utc(2024, 3, 31, 1, 59, 59, 999), utc(2024, 3, 31, 1, 59), utc(2024, 3, 31, 2, 0)],
    ["hour", utc(2024, 3, 10, 2, 30), utc(2024, 3, 10, 2), utc(2024, 3, 10, 3)],
    ["day", utc(2024, 3, 31, 23, 59, 59, 999), utc(2024, 3, 31), utc(2024, 4, 1)],
    // 2024-01-01 is a Monday; 2024-01-07 a Sunday.
    ["week", utc(2024, 1, 7, 23, 59), utc(2024, 1, 1), utc(2024, 1, 8)],
    ["week", utc(2024, 1, 8), utc(2024, 1, 8), utc(2024, 1, 15)],
    ["month", utc(2024, 2, 29, 12), utc(2024, 2, 1), utc(2024, 3, 1)],
    ["month", utc(2024, 12, 31, 23, 59), utc(2024, 12, 1), utc(2025, 1, 1)],
    ["year", utc(2024, 12, 31, 23, 59, 59, 999), utc(2024, 1, 1), utc(2025, 1, 1)],
  ]
  it.each(cases)("%s: floors %d to its start and ends at the next", (granularity, time, start, end) => {
    expect(bucketStart(time, granularity)).toBe(start)
    expect(nextBucketStart(start, granularity)).toBe(end)
    // The start itself is in its own bucket; one millisecond before is in the previous one.
    expect(bucketStart(start, granularity)).toBe(start)
    expect(bucketStart(start - 1, granularity)).toBeLessThan(start)
  })

  it("treats timestamp 0 as 1970-01-01, whose ISO week began on Monday 1969-12-29", () => {
    expect(bucketStart(0, "day")).toBe(0)
    expect(bucketStart(0, "year")).toBe(0)
    const week = TimeBucket.of(0, "week")
    expect(week.start).toBe(utc(1969, 12, 29))
    expect(week.datasetTimestamp).toBe(0)
  })

  it("names buckets in ISO 8601 basic form, safe as a file name", () => {
    expect(TimeBucket.of(utc(2024, 5, 6, 7, 8, 9), "second").fileStamp).toBe("20240506T070809Z")
    expect(TimeBucket.of(utc(2024, 5, 6, 7, 8, 9), "hour").toISOString()).toBe("2024-05-06T07:00:00.000Z")
  })

  it("gives every granularity increasing, gap-free buckets over a leap year", () => {
    for (const granularity of timeGranularities) {
      let start = bucketStart(utc(2024, 1, 1), granularity)
      for (let i = 0; i < 60; i++) {
        const end = nextBucketStart(start, granularity)
        expect(end).toBeGreaterThan(start)
        expect(bucketStart(end - 1, granularity)).toBe(start)
        expect(bucketStart(end, granularity)).toBe(end)
        start = end
      }
    }
  })
})

describe("the actor files rows by bucket", () => {
  for (const granularity of timeGranularities) {
    it.effect(`${granularity}: rows without a timestamp take the Clock's time; boundaries split them`, () => {
      const memory = new MemoryWriter()
      const t0 = utc(2024, 2, 29, 23, 59, 59, 500)
      return Effect.gen(function* () {
        const logger = yield* RollingLogger
        yield* TestClock.setTime(t0)
        yield* logger.log({ x: 1 })
        const after = nextBucketStart(bucketStart(t0, granularity), granularity)
        yield* TestClock.setTime(after)
        yield* logger.log([{ x: 2 }, { x: 3 }])
        yield* TestClock.setTime(after - 1)
        yield* logger.log({ x: 4 })
        yield* logger.log({ x: 5 }, { timestamp: 0 })
        yield* logger.flush
        const byBucket = Object.fromEntries(
          memory.writes.map((w) => [w.bucket.start, w.view.getColumn("x")?.counts?.n]),
        )
        expect(byBucket).toEqual({
          [bucketStart(t0, granularity)]: 2,
          [after]: 2,
          [bucketStart(0, granularity)]: 1,
        })
        for (const write of memory.writes) {
          expect(write.bucket.granularity).toBe(granularity)
          expect(write.view.datasetTimestamp).toBe(Math.max(0, write.bucket.start))
        }
      }).pipe(
        Effect.provide(
          RollingLogger.layerTest({
            datasetId: "d",
            aggregateBy: granularity,
            writeSchedule: null,
            writers: [memory],
          }),
        ),
        Effect.provide(Session.layerTest()),
      )
    })
  }
})
