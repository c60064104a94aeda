import { DatasetProfileView, ProfileAccumulator } from "@sketchlog/core/profile"
import type { StoredProfile } from "@sketchlog/core/store"
import { ProfileDigest } from "./ProfileDigest.js"

/**
 * What the catalog holds of one partition — a dataset's hour, for one segment or every segment —:
 * the digest of its profiles (every replica merged) and what went into it, each object by the
 * listing's stamp of it (`stampOf`: size and version), so a profile written again under the same key
 * is read again even when its size did not change.
 */
export interface PartitionDigest {
  readonly id: string
  readonly digest: ProfileDigest
  /** Keys in the digest, with their stamps. */
  readonly keys: ReadonlyMap<string, string>
  /** Keys that could not be read, with their stamps then and why. */
  readonly failed: ReadonlyMap<string, { readonly stamp: string; readonly message: string }>
  /** Keys a compacted object of the partition already holds: skipped, or their rows would count twice. */
  readonly superseded: ReadonlySet<string>
  readonly bytes: number
}

/** What identifies one state of a listed object: its size and version (ETag, modification time). */
export const stampOf = (profile: StoredProfile): string => `${profile.size ?? "?"}:${profile.version ?? "?"}`

/** Whether the digest holds exactly `profiles` (same keys, same stamps) and retries nothing. */
export const isCurrent = (partition: PartitionDigest, profiles: ReadonlyArray<StoredProfile>): boolean =>
  profiles.length === partition.keys.size + partition.failed.size + partition.superseded.size &&
  profiles.every((p) =>
    partition.keys.has(p.key)
      ? partition.keys.get(p.key) === stampOf(p)
      : partition.superseded.has(p.key) || partition.failed.get(p.key)?.stamp === stampOf(p),
  )

/**
 * Which of a partition's known digest can be kept (every key in it still listed with the same stamp
 * and not superseded since) and which profiles still have to be read.
 */
export const plan = (
  known: PartitionDigest | undefined,
  profiles: ReadonlyArray<StoredProfile>,
  superseded: ReadonlySet<string>,
): { readonly base: PartitionDigest | undefined; readonly toRead: ReadonlyArray<StoredProfile> } => {
  const stamps = new Map(profiles.map((p) => [p.key, stampOf(p)]))
  const keep =
    known !== undefined &&
    [...known.keys].every(([key, stamp]) => stamps.get(key) === stamp && !superseded.has(key))
  const base = keep ? known : undefined
  const toRead = profiles.filter((p) => {
    if (base?.keys.has(p.key) || superseded.has(p.key)) return false
    const failed = base?.failed.get(p.key)
    return failed === undefined || failed.stamp !== stampOf(p)
  })
  return { base, toRead }
}

/**
 * A running merge of the profiles read for one partition: each one decoded into one running total
 * as it arrives (`ProfileAccumulator`), so a partition of any number of replicas (and, for every
 * segment, segments) costs one digest instead of one per profile and a merge of digests.
 */
export class PartitionMerge {
  readonly #total = new ProfileAccumulator()
  #rows = 0
  readonly keys = new Map<string, string>()
  readonly failed = new Map<string, { readonly stamp: string; readonly message: string }>()

  /** Merges one profile's bytes in; a profile that cannot be read or merged is recorded as failed. */
  add(profile: StoredProfile, bytes: Uint8Array, describe: (error: unknown) => string): string | undefined {
    try {
      const view = DatasetProfileView.deserialize(bytes)
      this.#total.add(view)
      this.#rows += ProfileDigest.rowsOf(view)
      this.keys.set(profile.key, stampOf(profile))
      return undefined
    } catch (error) {
      return this.fail(profile, describe(error))
    }
  }

  /** Records a profile that could not be read; gives back the message. */
  fail(profile: StoredProfile, message: string): string {
    this.failed.set(profile.key, { stamp: stampOf(profile), message })
    return message
  }

  /** The digest of what was merged (the empty digest when nothing was). */
  digest(): ProfileDigest {
    if (this.#total.count === 0) return ProfileDigest.empty
    return ProfileDigest.of(this.#total.view(), { rows: this.#rows, profiles: this.#total.count })
  }
}
