import type { ProfileQuery } from "./ProfileQuery.js"
import { segmentFolder } from "./StoreKey.js"

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Ranges up to this many days are listed day by day; longer ones list the whole dataset. */
const MAX_DAYS = 400
/** A segment's hours are listed one by one over ranges up to this many hours. */
const MAX_SEGMENT_HOURS = 96

/**
 * The key prefixes of the partitioned layout under which every profile of `query` lies, so a store
 * can list only those: `dataset=<id>/`, narrowed to `…/date=YYYY-MM-DD/` per day of a bounded time
 * range, and to `…/hour=HH/segment=<segment>/` per hour when one segment is asked for over a short
 * range. `undefined` when the query names no dataset (list everything). Profiles outside the query
 * may still lie under them: filter with `matchesQuery`.
 */
export const partitionPrefixes = (query: ProfileQuery): ReadonlyArray<string> | undefined => {
  if (query.datasetId === undefined) return undefined
  const dataset = `dataset=${encodeURIComponent(query.datasetId)}/`
  const { from, to } = query
  if (from === undefined || to === undefined || !(to > from)) return [dataset]
  const firstDay = Math.floor(from / DAY) * DAY
  if ((to - firstDay) / DAY > MAX_DAYS) return [dataset]
  if (query.segment !== undefined && (to - from) / HOUR <= MAX_SEGMENT_HOURS) {
    const segment = `segment=${segmentFolder(query.segment)}/`
    const prefixes: string[] = []
    for (let hour = Math.floor(from / HOUR) * HOUR; hour < to; hour += HOUR) {
      const iso = new Date(hour).toISOString()
      prefixes.push(`${dataset}date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/${segment}`)
    }
    return prefixes
  }
  const prefixes: string[] = []
  for (let day = firstDay; day < to; day += DAY) {
    prefixes.push(`${dataset}date=${new Date(day).toISOString().slice(0, 10)}/`)
  }
  return prefixes
}
