/**
 * How rows are grouped in time: each row's timestamp is floored, in UTC, to the start of its bucket.
 * `week` buckets are ISO weeks: they start on Monday 00:00 UTC.
 */
export type TimeGranularity = "second" | "minute" | "hour" | "day" | "week" | "month" | "year"

/** Every granularity, finest first. */
export const timeGranularities: ReadonlyArray<TimeGranularity> = [
  "second",
  "minute",
  "hour",
  "day",
  "week",
  "month",
  "year",
]

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** The largest time a JavaScript `Date` can hold (±8.64e15 ms). */
export const MAX_TIMESTAMP = 8.64e15

/**
 * The start of the bucket holding `timestamp` (UTC epoch ms). No time zone or daylight saving time is
 * involved. A week starts on Monday: 1970-01-01 was a Thursday, so its week starts on 1969-12-29.
 */
export const bucketStart = (timestamp: number, granularity: TimeGranularity): number => {
  switch (granularity) {
    case "second":
      return Math.floor(timestamp / SECOND) * SECOND
    case "minute":
      return Math.floor(timestamp / MINUTE) * MINUTE
    case "hour":
      return Math.floor(timestamp / HOUR) * HOUR
    case "day":
      return Math.floor(timestamp / DAY) * DAY
    case "week": {
      const day = Math.floor(timestamp / DAY)
      // Day 0 was a Thursday: (day + 3) mod 7 counts days since Monday.
      const sinceMonday = (((day + 3) % 7) + 7) % 7
      return (day - sinceMonday) * DAY
    }
    case "month": {
      const date = new Date(timestamp)
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
    }
    case "year":
      return Date.UTC(new Date(timestamp).getUTCFullYear(), 0, 1)
  }
}

/** The start of the bucket after the one that starts at `start`. */
export const nextBucketStart = (start: number, granularity: TimeGranularity): number => {
  switch (granularity) {
    case "second":
      return start + SECOND
    case "minute":
      return start + MINUTE
    case "hour":
      return start + HOUR
    case "day":
      return start + DAY
    case "week":
      return start + 7 * DAY
    case "month": {
      const date = new Date(start)
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
    }
    case "year":
      return Date.UTC(new Date(start).getUTCFullYear() + 1, 0, 1)
  }
}

/**
 * One time bucket: `[start, end)` in UTC epoch ms at a granularity. Profiles of a bucket carry its
 * start as their dataset timestamp (clamped at 0 for the week that began in 1969).
 */
export class TimeBucket {
  /** Exclusive end: the next bucket's start. */
  readonly end: number

  constructor(
    readonly start: number,
    readonly granularity: TimeGranularity,
  ) {
    this.end = nextBucketStart(start, granularity)
  }

  /** The bucket holding `timestamp`. */
  static of(timestamp: number, granularity: TimeGranularity): TimeBucket {
    return new TimeBucket(bucketStart(timestamp, granularity), granularity)
  }

  /** The profile's dataset timestamp: the start, or 0 for a bucket that starts before 1970. */
  get datasetTimestamp(): number {
    return Math.max(0, this.start)
  }

  /** `2024-01-01T12:00:00.000Z`. */
  toISOString(): string {
    return new Date(this.start).toISOString()
  }

  /**
   * The start in ISO 8601 basic format, `20240101T120000Z` (`20240101T120000.250Z` would need
   * milliseconds, which no granularity has): no `:`, so it is a valid file name everywhere.
   */
  get fileStamp(): string {
    return this.toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.000Z$/, "Z")
  }

  /** Whether the bucket has ended by `now`. */
  endedBy(now: number): boolean {
    return this.end <= now
  }

  toString(): string {
    return `${this.granularity} bucket ${this.toISOString()}`
  }
}
