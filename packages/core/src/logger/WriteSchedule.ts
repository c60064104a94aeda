import { firstUnknownOption } from "../internal/optionNames.js"

/** The units a write schedule counts in. */
export type WriteCadence = "second" | "minute" | "hour" | "day"

/**
 * When the logger writes its profiles: every `interval` `cadence`s, at wall-clock boundaries, i.e. at
 * the UTC times that are whole multiples of the period since the Unix epoch (`{ cadence: "minute",
 * interval: 5 }` writes at :00, :05, :10, …; `{ cadence: "day", interval: 1 }` at midnight UTC), not
 * "every 5 minutes from when the logger started".
 */
export interface WriteSchedule {
  readonly cadence: WriteCadence
  /** A positive integer. */
  readonly interval: number
}

const UNIT: Record<WriteCadence, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
}

/** The schedule's period in milliseconds. */
export const schedulePeriod = (schedule: WriteSchedule): number => UNIT[schedule.cadence] * schedule.interval

/** The first boundary strictly after `now`. */
export const nextWriteTime = (schedule: WriteSchedule, now: number): number => {
  const period = schedulePeriod(schedule)
  return (Math.floor(now / period) + 1) * period
}

/** A stable key for a schedule, `minute×5`. */
export const scheduleKey = (schedule: WriteSchedule): string => `${schedule.cadence}×${schedule.interval}`

/** Why a schedule is unusable, or undefined when it is fine. */
export const checkSchedule = (schedule: unknown): string | undefined => {
  if (typeof schedule !== "object" || schedule === null) return "must be { cadence, interval } or null"
  const unknown = firstUnknownOption(schedule, ["cadence", "interval"])
  if (unknown !== undefined) return `${unknown.option}: ${unknown.reason}`
  const { cadence, interval } = schedule as { cadence?: unknown; interval?: unknown }
  if (typeof cadence !== "string" || !Object.hasOwn(UNIT, cadence))
    return `cadence must be one of ${Object.keys(UNIT).join(", ")}, got ${String(cadence)}`
  if (typeof interval !== "number" || !Number.isInteger(interval) || interval < 1)
    return `interval must be a positive integer, got ${String(interval)}`
  return undefined
}
