/** How long a chart point or a monitor's window lasts. */
export type Resolution = "hour" | "day"

/** Milliseconds of each resolution. */
export const RESOLUTION_MS: Readonly<Record<Resolution, number>> = { hour: 3_600_000, day: 86_400_000 }

/** A half-open span of time [from, to), UTC milliseconds. */
export interface TimeRange {
  readonly from: number
  readonly to: number
}

/** The start of the window of `resolution` that holds `time` (UTC). */
export const windowStart = (time: number, resolution: Resolution): number =>
  Math.floor(time / RESOLUTION_MS[resolution]) * RESOLUTION_MS[resolution]

/** The window starts of `resolution` that overlap `range`, ascending. */
export const windowsIn = (range: TimeRange, resolution: Resolution): number[] => {
  const step = RESOLUTION_MS[resolution]
  const out: number[] = []
  for (let start = windowStart(range.from, resolution); start < range.to; start += step) out.push(start)
  return out
}

/** A time as people read it in a page: `2026-12-07 16:00 UTC` (or only the date at day resolution). */
export const formatWindow = (time: number, resolution: Resolution = "hour"): string => {
  const iso = new Date(time).toISOString()
  return resolution === "day" ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
}
