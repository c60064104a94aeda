import { InvalidArgumentError } from "commander"

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/**
 * A commander parser for a point in time (UTC epoch ms): ISO 8601 (`2026-12-07`,
 * `2026-12-07T16:00Z`, `2026-12-07T16:00:00+01:00`; without a zone it is UTC), `now`, or a span
 * before now (`30m`, `2h`, `7d`, `1w`).
 */
export const parseTime =
  (now: () => number = Date.now) =>
  (value: string): number => {
    const text = value.trim()
    if (text === "now") return now()
    const span = /^(\d+)([mhdw])$/.exec(text)
    if (span !== null) return now() - Number(span[1]) * (UNITS[span[2] as string] as number)
    const date = /^\d{4}-\d{2}-\d{2}$/.test(text)
    const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/i.exec(text)
    const parsed = date
      ? Date.parse(`${text}T00:00:00Z`)
      : dateTime !== null
        ? Date.parse(dateTime[3] === undefined ? `${text}Z` : text)
        : Number.NaN
    if (!Number.isNaN(parsed)) return parsed
    throw new InvalidArgumentError(
      `expected a time: ISO 8601 (2026-12-07, 2026-12-07T16:00Z), now, or a span before now (30m, 2h, 7d), got "${value}"`,
    )
  }
