import { DatasetProfileView } from "../profile/DatasetProfileView.js"
import type { StoredProfile } from "./StoredProfile.js"

/** The replica name of the objects `compactStore` writes. */
export const COMPACTED_REPLICA = "compacted"

/**
 * The metadata key where a compacted object records the objects it replaces: their names (the last
 * part of the key; they share its folder and bucket), comma-separated, sorted.
 */
export const REPLACES_METADATA = "sketchlog.replaces"

/** One object's name within its partition folder. */
export const objectName = (key: string): string => key.slice(key.lastIndexOf("/") + 1)

/**
 * The profiles that merge into one: same partition folder and same bucket (for a `LocalWriter`
 * file, its dataset, bucket and segment). Compaction and superseded keys work within one group.
 */
export const groupOf = (profile: StoredProfile): string =>
  profile.replica === undefined
    ? `${profile.datasetId}\u0000${profile.timestamp}\u0000${profile.segment ?? ""}`
    : `${profile.key.slice(0, profile.key.lastIndexOf("/"))}/${profile.timestamp}`

/** Whether `profile` was written by `compactStore`. */
export const isCompacted = (profile: StoredProfile): boolean => profile.replica === COMPACTED_REPLICA

/** The names a compacted view replaces (empty for any other view). */
export const replacedNames = (view: DatasetProfileView): ReadonlySet<string> => {
  const text = view.metadata[REPLACES_METADATA]
  return new Set(text === undefined || text === "" ? [] : text.split(","))
}

/** `view` recording that it replaces `names` (or, with none, without the record). */
export const withReplacedNames = (view: DatasetProfileView, names: Iterable<string>): DatasetProfileView => {
  const metadata: Record<string, string> = { ...view.metadata }
  const sorted = Array.from(new Set(names)).sort()
  if (sorted.length === 0) delete metadata[REPLACES_METADATA]
  else metadata[REPLACES_METADATA] = sorted.join(",")
  return new DatasetProfileView({
    columns: view.columns,
    datasetTimestamp: view.datasetTimestamp,
    creationTimestamp: view.creationTimestamp,
    tags: view.tags,
    metadata,
    segment: view.segment,
  })
}

/** What a group holds once compactions are taken into account. */
export interface ResolvedGroup {
  /** The objects whose rows count: compacted objects no other covers, and objects none of those replaces. */
  readonly live: ReadonlyArray<StoredProfile>
  /** Objects whose rows a live compacted object already holds: skipped by readers, deleted by compaction. */
  readonly superseded: ReadonlyArray<StoredProfile>
  /** Every name the live objects stand for (their own and those they replace). */
  readonly covered: ReadonlySet<string>
  /** Live compacted objects whose covers overlap: their rows cannot be counted exactly. */
  readonly conflicts: ReadonlyArray<string>
}

/**
 * Decides which objects of one group count, given what each compacted object of the group replaces
 * (`covers`, by key). A compacted object lists every object it holds the rows of, transitively, so:
 * an object named in a compacted object's list is superseded; a compacted object whose list is
 * contained in another's is superseded too (two compactions that ran at once, the later one having
 * seen more). What remains is counted once each. Two remaining compacted objects whose lists overlap
 * without one containing the other cannot be told apart exactly: they are reported as `conflicts`.
 */
export const resolveGroup = (
  group: ReadonlyArray<StoredProfile>,
  covers: ReadonlyMap<string, ReadonlySet<string>>,
): ResolvedGroup => {
  const compacted = group.filter(isCompacted)
  if (compacted.length === 0) return { live: group, superseded: [], covered: new Set(), conflicts: [] }
  const coverOf = (profile: StoredProfile): ReadonlySet<string> => covers.get(profile.key) ?? new Set()
  const dominated = (c: StoredProfile): boolean =>
    compacted.some((d) => {
      if (d === c) return false
      const dCover = coverOf(d)
      if (dCover.has(objectName(c.key))) return true
      const cCover = coverOf(c)
      if (cCover.size > dCover.size) return false
      for (const name of cCover) if (!dCover.has(name)) return false
      return cCover.size < dCover.size || objectName(d.key) < objectName(c.key)
    })
  const kept = compacted.filter((c) => !dominated(c))
  const covered = new Set<string>()
  const conflicts: string[] = []
  for (const c of kept) {
    for (const name of coverOf(c)) {
      if (covered.has(name)) conflicts.push(c.key)
      covered.add(name)
    }
  }
  const live: StoredProfile[] = []
  const superseded: StoredProfile[] = []
  for (const profile of group) {
    const isKept = kept.includes(profile)
    if (isKept || (!isCompacted(profile) && !covered.has(objectName(profile.key)))) live.push(profile)
    else superseded.push(profile)
  }
  return { live, superseded, covered, conflicts: Array.from(new Set(conflicts)) }
}
