import { Duration } from "effect"
import type { DatasetOptions } from "./LoggerOptions.js"
import { LoggerDefaults } from "./LoggerOptions.js"
import type { WriteSchedule } from "./WriteSchedule.js"

const every = (schedule: WriteSchedule): string =>
  schedule.interval === 1 ? `every ${schedule.cadence}` : `every ${schedule.interval} ${schedule.cadence}s`

/**
 * When local profile files appear, for the local-mode notice: "the first file 10 s after the first
 * request, then every 5 minutes". `first` names what starts the clock (a row, a request).
 */
export const describeLocalWrites = (
  firstWrite: DatasetOptions["firstWrite"],
  writeSchedule: DatasetOptions["writeSchedule"],
  first = "row",
): string => {
  const schedule = writeSchedule === undefined ? LoggerDefaults.writeSchedule : writeSchedule
  const early =
    firstWrite !== undefined ? firstWrite : schedule === null ? null : LoggerDefaults.firstWriteLocal
  const then = schedule === null ? "on flush() and at shutdown" : `${every(schedule)} and at shutdown`
  if (early === null) return `files are written ${then}`
  const millis = Duration.toMillis(Duration.decode(early))
  const after = millis < 1000 ? `${millis} ms` : `${Math.round(millis / 1000)} s`
  return `the first file ${after} after the first ${first}, then ${then}`
}
