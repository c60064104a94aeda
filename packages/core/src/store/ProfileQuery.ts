import type { StoredProfile } from "./StoredProfile.js"

/** Which stored profiles to list. Every field narrows; an empty query lists everything. */
export interface ProfileQuery {
  readonly datasetId?: string | undefined
  /** Bucket starts from this time on (UTC epoch ms, inclusive). */
  readonly from?: number | undefined
  /** Bucket starts before this time (UTC epoch ms, exclusive). */
  readonly to?: number | undefined
  /** One segment id exactly; `""` lists only unsegmented profiles. */
  readonly segment?: string | undefined
}

/** Whether `profile` is one `query` asks for. */
export const matchesQuery = (profile: StoredProfile, query: ProfileQuery): boolean =>
  (query.datasetId === undefined || profile.datasetId === query.datasetId) &&
  (query.from === undefined || profile.timestamp >= query.from) &&
  (query.to === undefined || profile.timestamp < query.to) &&
  (query.segment === undefined || (profile.segment ?? "") === query.segment)
