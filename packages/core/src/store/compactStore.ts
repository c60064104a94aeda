import { createHash } from "node:crypto"
import { Chunk, Effect, Stream } from "effect"
import type { DatasetProfileView } from "../profile/DatasetProfileView.js"
import { ProfileAccumulator } from "../profile/ProfileAccumulator.js"
import { forEachInOrder } from "./internal/forEachInOrder.js"
import type { ProfileStore } from "./ProfileStore.js"
import { readGroup } from "./readGroup.js"
import { addStoredProfile } from "./readStoredProfile.js"
import type { StoredProfile } from "./StoredProfile.js"
import { StoreError } from "./StoreError.js"
import { profileKey } from "./StoreKey.js"
import { COMPACTED_REPLICA, groupOf, objectName, withReplacedNames } from "./Supersession.js"
import { retryStore } from "./storeRetry.js"

/** What to compact. */
export interface CompactOptions {
  /** One dataset (default: every dataset). */
  readonly datasetId?: string | undefined
  /** Only buckets that start before this time (UTC epoch ms, exclusive; default: every bucket). */
  readonly before?: number | undefined
  /** Only buckets that start at or after this time (UTC epoch ms). */
  readonly from?: number | undefined
  /** Downloads at once within a group (default 8). */
  readonly concurrency?: number | undefined
  /** Groups compacted at once (default 2). */
  readonly groupConcurrency?: number | undefined
  /** Called once the store is listed, with the number of groups to look at. */
  readonly onListed?: ((groups: number) => void) | undefined
  /**
   * Called after each step of each group (progress, and tests that stop the compactor between its
   * steps); the compactor waits for a returned promise.
   */
  readonly onStep?: ((step: CompactionStep) => void | Promise<void>) | undefined
}

/** A step `compactStore` finished for one group (one dataset, bucket and segment). */
export interface CompactionStep {
  /**
   * `written`: the merged object is stored; `verified`: read back, byte for byte; `removed`: its
   * inputs are deleted (the group is done); `finished`: leftovers of an earlier, interrupted
   * compaction deleted; `skipped`: nothing to do or the group cannot be compacted (`error`).
   */
  readonly step: "written" | "verified" | "removed" | "finished" | "skipped"
  readonly datasetId: string
  readonly timestamp: number
  readonly segment: string | undefined
  /** The compacted object's key (written, verified, removed). */
  readonly key?: string | undefined
  /** Objects merged into it, or deleted. */
  readonly objects: number
  readonly error?: StoreError | undefined
}

/** What `compactStore` did. */
export interface CompactionResult {
  /** Groups (dataset, bucket, segment) looked at. */
  readonly groups: number
  /** Groups merged into a new object. */
  readonly compacted: number
  /** Groups already held in one object (leftovers of an interrupted run deleted, if any). */
  readonly alreadyCompact: number
  /** Objects merged into new objects. */
  readonly merged: number
  /** Objects deleted (inputs and leftovers). */
  readonly removed: number
  readonly bytesRead: number
  readonly bytesWritten: number
  /** Groups left as they were because an object in them is not a profile, or compactions overlap. */
  readonly failed: ReadonlyArray<StoreError>
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)

/**
 * Compaction: merges the objects of each (dataset, bucket, segment) — one per replica and write —
 * into one object, `…/<bucket>.compacted.<id>.bin`, so readers download one object per partition
 * instead of hundreds. For each group it writes the merged object, reads it back and compares it byte
 * for byte, and only then deletes the inputs.
 *
 * Killed at any point and run again, it neither loses nor double-counts a row: the merged object
 * lists, in its metadata (`sketchlog.replaces`), every object whose rows it holds, so a reader that
 * lists the group between "written" and "deleted" skips the inputs (`readMergedProfiles`), and the
 * next run sees the group as compact and deletes what was left. A write that lands in a group while
 * it is compacted keeps its own object and is merged next time; a retried upload of an object that
 * was already compacted is recognised by its name and deleted. Run one compactor per store at a
 * time; two at once stay exact when one saw everything the other saw (the usual case), and a group
 * where neither did is reported in `failed` and left alone.
 */
export const compactStore = (
  store: ProfileStore,
  options: CompactOptions = {},
): Effect.Effect<CompactionResult, StoreError> =>
  Effect.gen(function* () {
    const concurrency = Math.max(1, options.concurrency ?? 8)
    const listing = yield* retryStore(
      Stream.runCollect(store.list({ datasetId: options.datasetId, from: options.from, to: options.before })),
    )
    const totals = {
      groups: 0,
      compacted: 0,
      alreadyCompact: 0,
      merged: 0,
      removed: 0,
      bytesRead: 0,
      bytesWritten: 0,
    }
    const failed: StoreError[] = []
    const step = (event: CompactionStep) =>
      options.onStep === undefined ? Effect.void : Effect.promise(async () => options.onStep?.(event))

    const compactGroup = (group: ReadonlyArray<StoredProfile>): Effect.Effect<void, StoreError> =>
      Effect.gen(function* () {
        totals.groups++
        const first = group[0] as StoredProfile
        const where = { datasetId: first.datasetId, timestamp: first.timestamp, segment: first.segment }
        const read = yield* readGroup(store, group, concurrency)
        if (read.resolved.conflicts.length > 0) {
          const error = new StoreError({
            url: store.url,
            key: read.resolved.conflicts[0],
            reason: "unreadable",
            detail: `compacted objects overlap (${read.resolved.conflicts.map(objectName).join(", ")}): two compactions ran at once; left as it is`,
            retryable: false,
          })
          failed.push(error)
          return yield* step({ step: "skipped", ...where, objects: 0, error })
        }
        const { live, superseded } = read.resolved
        if (live.length <= 1) {
          totals.alreadyCompact++
          if (superseded.length === 0) return yield* step({ step: "skipped", ...where, objects: 0 })
          yield* retryStore(store.remove(superseded.map((p) => p.key)))
          totals.removed += superseded.length
          return yield* step({ step: "finished", ...where, objects: superseded.length })
        }
        // Merged in key order, so two runs over the same objects write the same bytes; each download is
        // decoded straight into the running total, so a group holds only the downloads in flight.
        const total = new ProfileAccumulator()
        yield* forEachInOrder(
          live,
          (profile): Effect.Effect<DatasetProfileView | Uint8Array, StoreError> => {
            const known = read.compacted.get(profile.key)
            return known !== undefined ? Effect.succeed(known) : retryStore(store.read(profile.key))
          },
          (content, profile) => addStoredProfile(store, profile.key, total, content),
          concurrency,
        )
        totals.bytesRead += live.reduce((n, p) => n + (p.size ?? 0), 0)
        const merged = total.view()
        // Everything the new object stands for: the group's objects and what compacted ones replaced.
        const names = new Set(group.map((p) => objectName(p.key)))
        for (const cover of read.covers.values()) for (const name of cover) names.add(name)
        const id = createHash("sha256").update(Array.from(names).sort().join("\n")).digest("hex").slice(0, 24)
        const key = profileKey({ ...where, replica: COMPACTED_REPLICA, id })
        const bytes = withReplacedNames(merged, names).serialize()
        yield* retryStore(store.put(key, bytes))
        totals.bytesWritten += bytes.byteLength
        yield* step({ step: "written", ...where, key, objects: live.length })
        const back = yield* retryStore(store.read(key))
        if (!sameBytes(back, bytes)) {
          return yield* new StoreError({
            url: store.url,
            key,
            reason: "unavailable",
            detail: "the compacted object read back differs from what was written; its inputs are kept",
            retryable: true,
          })
        }
        yield* step({ step: "verified", ...where, key, objects: live.length })
        yield* retryStore(store.remove(group.map((p) => p.key)))
        totals.compacted++
        totals.merged += live.length
        totals.removed += group.length
        yield* step({ step: "removed", ...where, key, objects: group.length })
      }).pipe(
        // A group holding an object that is not a profile is left alone; the rest go on.
        Effect.catchIf(
          (error) => error.reason === "unreadable",
          (error) => {
            failed.push(error)
            const first = group[0] as StoredProfile
            return step({
              step: "skipped",
              datasetId: first.datasetId,
              timestamp: first.timestamp,
              segment: first.segment,
              objects: 0,
              error,
            })
          },
        ),
      )

    const partitioned = Chunk.filter(listing, (p) => p.replica !== undefined)
    if (options.onListed !== undefined) {
      let groups = 0
      let last: string | undefined
      for (const profile of partitioned) {
        const group = groupOf(profile)
        if (group !== last) groups++
        last = group
      }
      options.onListed(groups)
    }
    yield* Stream.fromChunk(partitioned).pipe(
      Stream.groupAdjacentBy(groupOf),
      Stream.mapEffect(([, group]) => compactGroup(Chunk.toReadonlyArray(group)), {
        concurrency: Math.max(1, options.groupConcurrency ?? 2),
      }),
      Stream.runDrain,
    )
    return { ...totals, failed }
  })
