import { Effect } from "effect"
import type { DatasetProfileView } from "../profile/DatasetProfileView.js"
import type { ProfileStore } from "./ProfileStore.js"
import { readStoredProfile } from "./readStoredProfile.js"
import type { StoredProfile } from "./StoredProfile.js"
import type { StoreError } from "./StoreError.js"
import { isCompacted, type ResolvedGroup, replacedNames, resolveGroup } from "./Supersession.js"
import { retryStore } from "./storeRetry.js"

/** One group of a store (`groupOf`) with its compactions resolved. */
export interface ReadGroup {
  readonly profiles: ReadonlyArray<StoredProfile>
  readonly resolved: ResolvedGroup
  /** The views of the group's compacted objects that were read (by key), the live ones among them. */
  readonly compacted: ReadonlyMap<string, DatasetProfileView>
  /** Everything each compacted object replaces, by key (what a new compaction must carry on). */
  readonly covers: ReadonlyMap<string, ReadonlySet<string>>
}

/**
 * Reads the compacted objects of one group (at most `concurrency` at once) and decides which objects
 * count (`resolveGroup`). A group without compacted objects costs nothing.
 */
export const readGroup = (
  store: ProfileStore,
  profiles: ReadonlyArray<StoredProfile>,
  concurrency: number,
): Effect.Effect<ReadGroup, StoreError> => {
  const compacted = profiles.filter(isCompacted)
  if (compacted.length === 0) {
    return Effect.succeed({
      profiles,
      resolved: resolveGroup(profiles, new Map()),
      compacted: new Map(),
      covers: new Map(),
    })
  }
  return Effect.forEach(compacted, (profile) => retryStore(readStoredProfile(store, profile)), {
    concurrency,
  }).pipe(
    Effect.map((views) => {
      const covers = new Map(compacted.map((p, i) => [p.key, replacedNames(views[i] as DatasetProfileView)]))
      const resolved = resolveGroup(profiles, covers)
      const live = new Set(resolved.live.map((p) => p.key))
      const kept = new Map<string, DatasetProfileView>()
      compacted.forEach((p, i) => {
        if (live.has(p.key)) kept.set(p.key, views[i] as DatasetProfileView)
      })
      return { profiles, resolved, compacted: kept, covers }
    }),
  )
}
