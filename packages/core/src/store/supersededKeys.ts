import { Effect } from "effect"
import type { ProfileStore } from "./ProfileStore.js"
import { readGroup } from "./readGroup.js"
import type { StoredProfile } from "./StoredProfile.js"
import type { StoreError } from "./StoreError.js"
import { groupOf, isCompacted } from "./Supersession.js"
import { retryStore } from "./storeRetry.js"

/**
 * The keys among `profiles` whose rows a compacted object among them already holds — what a reader
 * that merges objects itself must skip to count every row once, also while a compaction is between
 * writing its object and deleting the inputs. Reads only the compacted objects (`concurrency` at once);
 * profiles without one cost nothing. `readMergedProfiles` does this on its own.
 */
export const supersededKeys = (
  store: ProfileStore,
  profiles: ReadonlyArray<StoredProfile>,
  concurrency = 4,
): Effect.Effect<ReadonlySet<string>, StoreError> => {
  if (!profiles.some(isCompacted)) return Effect.succeed(new Set())
  const groups = new Map<string, StoredProfile[]>()
  for (const profile of profiles) {
    const group = groups.get(groupOf(profile))
    if (group === undefined) groups.set(groupOf(profile), [profile])
    else group.push(profile)
  }
  return Effect.forEach(
    Array.from(groups.values()).filter((group) => group.some(isCompacted)),
    (group) => retryStore(readGroup(store, group, concurrency)),
    { concurrency },
  ).pipe(Effect.map((read) => new Set(read.flatMap((group) => group.resolved.superseded.map((p) => p.key)))))
}
