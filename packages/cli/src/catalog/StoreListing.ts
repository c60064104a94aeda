import { createHash } from "node:crypto"
import type { StoredProfile } from "@sketchlog/core/store"

/** What the store holds of one dataset, from its listing alone. */
export interface DatasetListing {
  readonly datasetId: string
  /** Its profiles, oldest first. */
  readonly profiles: ReadonlyArray<StoredProfile>
  /** Segment ids ("" = unsegmented), sorted. */
  readonly segments: ReadonlyArray<string>
  /** Start of its newest profile's bucket. */
  readonly latest: number
  readonly earliest: number
  /**
   * Changes whenever one of its objects does (added, removed, written again: key, size, version):
   * what the catalog keys the dataset's cached series and digests by.
   */
  readonly signature: string
}

/** The store's listing, grouped by dataset. */
export interface Listing {
  readonly at: number
  readonly datasets: ReadonlyMap<string, DatasetListing>
}

/** The segment of a stored profile ("" = unsegmented). */
export const segmentOf = (profile: StoredProfile): string => profile.segment ?? ""

/** A store's listing grouped by dataset (datasets sorted, each one's profiles oldest first). */
export const groupListing = (profiles: ReadonlyArray<StoredProfile>, at: number): Listing => {
  const byDataset = new Map<string, StoredProfile[]>()
  for (const profile of profiles) {
    const list = byDataset.get(profile.datasetId)
    if (list === undefined) byDataset.set(profile.datasetId, [profile])
    else list.push(profile)
  }
  const datasets = new Map<string, DatasetListing>()
  for (const datasetId of [...byDataset.keys()].sort()) {
    const list = (byDataset.get(datasetId) as StoredProfile[]).sort((a, b) => a.timestamp - b.timestamp)
    const signature = createHash("sha256")
    for (const p of list) signature.update(`${p.key}\u0000${p.size ?? ""}\u0000${p.version ?? ""}\n`)
    datasets.set(datasetId, {
      datasetId,
      profiles: list,
      segments: [...new Set(list.map(segmentOf))].sort(),
      latest: (list[list.length - 1] as StoredProfile).timestamp,
      earliest: (list[0] as StoredProfile).timestamp,
      signature: signature.digest("base64"),
    })
  }
  return { at, datasets }
}
