import { Chunk, Effect, Option, Stream } from "effect"
import type { DatasetProfileView } from "../profile/DatasetProfileView.js"
import { forEachInOrder } from "./internal/forEachInOrder.js"
import { MergeOutputs } from "./internal/MergeOutputs.js"
import type { ProfileQuery } from "./ProfileQuery.js"
import type { ProfileStore } from "./ProfileStore.js"
import { type ReadGroup, readGroup } from "./readGroup.js"
import type { StoredProfile } from "./StoredProfile.js"
import type { StoreError } from "./StoreError.js"
import { groupOf, isCompacted } from "./Supersession.js"
import { retryStore } from "./storeRetry.js"

/** The time windows merged profiles are cut into. */
export type MergeWindow = "bucket" | "hour" | "day" | "all"

/** How far a read has come (for a progress bar). */
export interface ReadProgress {
  /** Objects the query listed. */
  readonly total: number
  /** Objects read or skipped so far (superseded objects count as done without a download). */
  readonly done: number
  /** Bytes downloaded so far. */
  readonly bytes: number
}

/** Options of `readMergedProfiles`: the query, and how profiles are merged. */
export interface ReadMergedOptions extends ProfileQuery {
  /** Downloads at once (default 16). */
  readonly concurrency?: number | undefined
  /**
   * `"bucket"` (default): one profile per stored time bucket; `"hour"`, `"day"`: buckets merged into
   * UTC hours or days; `"all"`: one profile per dataset (and segment) over the whole range.
   */
  readonly window?: MergeWindow | undefined
  /** Merge a dataset's segments into one profile per window (default false: one per segment). */
  readonly mergeSegments?: boolean | undefined
  /**
   * An object that is not a profile is counted in `unreadable` and left out (true), or fails the read
   * (false, the default).
   */
  readonly skipUnreadable?: boolean | undefined
  /** Called as objects are read. */
  readonly onProgress?: ((progress: ReadProgress) => void) | undefined
}

/** One merged profile: every replica's rows of a dataset, window and segment. */
export interface MergedProfile {
  readonly datasetId: string
  /** Start of the window (for `"all"`, of the earliest bucket), UTC epoch ms. */
  readonly timestamp: number
  /** The segment id, `undefined` when unsegmented or when segments were merged. */
  readonly segment: string | undefined
  /** The merge (decoded from the merged bytes when first read: until then it holds a third of the memory). */
  readonly view: DatasetProfileView
  /** Stored objects merged into it. */
  readonly objects: number
  /** The replicas that wrote them (`compacted` for compacted objects), sorted. */
  readonly replicas: ReadonlyArray<string>
}

/** What `readMergedProfiles` found. */
export interface MergedRead {
  /** Sorted by dataset, time and segment. */
  readonly profiles: ReadonlyArray<MergedProfile>
  /** Objects the query listed. */
  readonly listed: number
  /** Objects whose rows a compacted object already holds: not downloaded, not counted. */
  readonly superseded: number
  /** Objects merged. */
  readonly merged: number
  readonly bytes: number
  /** Objects left out because they are not profiles (`skipUnreadable`). */
  readonly unreadable: ReadonlyArray<StoreError>
  /** Groups whose compacted objects overlap (two compactions at once): counted, but maybe not exactly. */
  readonly conflicts: ReadonlyArray<string>
}

/** One step of the read, in key order: an object of group `group`, or the end of that group. */
type Item =
  | { readonly group: number; readonly profile: StoredProfile }
  | { readonly group: number; readonly end: number }

/** A live object's content: its bytes, or the view its group already read. */
type Content = DatasetProfileView | Uint8Array

/** A group with compacted objects, resolved: the keys that count, and the compacted views read. */
interface Resolved {
  readonly live: ReadonlySet<string>
  readonly compacted: ReadGroup["compacted"]
}

/** What a group's objects wait for before they are read (`undefined`: the group is skipped). */
type Resolution = Effect.Effect<Resolved | undefined, StoreError>

/**
 * Lists the profiles `options` asks for and merges them per dataset, time window and segment across
 * replicas: the fleet view. Objects are downloaded `concurrency` at a time and merged as they come,
 * in key order (so the result is the same on every run): each download is decoded straight into its
 * output's running total (`ProfileAccumulator.addBytes`), and an output is closed (kept as its
 * merged bytes until its `view` is read) once the listing is past it. Memory holds the listing, the
 * merged profiles, the running totals of the partitions being read and the objects in flight,
 * however many objects each output merges. Objects that a compacted object replaces are skipped — also while a compaction is
 * between writing its object and deleting its inputs — so every row counts once.
 */
export const readMergedProfiles = (
  store: ProfileStore,
  options: ReadMergedOptions = {},
): Effect.Effect<MergedRead, StoreError> =>
  Effect.gen(function* () {
    const concurrency = Math.max(1, options.concurrency ?? 16)
    const listing = Chunk.toReadonlyArray(yield* retryStore(Stream.runCollect(store.list(options))))
    const progress = { total: listing.length, done: 0, bytes: 0 }
    const report = () => options.onProgress?.({ ...progress })
    report()
    let superseded = 0
    const conflicts: string[] = []
    const unreadable: StoreError[] = []
    const outputs = new MergeOutputs(
      store,
      options.window ?? "bucket",
      options.mergeSegments === true,
      listing,
    )

    const unreadableOr = <A>(
      effect: Effect.Effect<A, StoreError>,
      done: () => void,
    ): Effect.Effect<Option.Option<A>, StoreError> =>
      effect.pipe(
        Effect.map(Option.some),
        Effect.catchIf(
          (error) => options.skipUnreadable === true && error.reason === "unreadable",
          (error) =>
            Effect.sync(() => {
              unreadable.push(error)
              done()
              return Option.none()
            }),
        ),
      )

    const step = () => {
      progress.done++
      report()
    }

    // The listing cut into groups (`groupOf`, adjacent in key order), each followed by its end.
    const groups: StoredProfile[][] = []
    const items: Item[] = []
    listing.forEach((profile, i) => {
      const last = groups[groups.length - 1]
      if (last === undefined || groupOf(last[0] as StoredProfile) !== groupOf(profile)) {
        if (last !== undefined) items.push({ group: groups.length - 1, end: i - 1 })
        groups.push([profile])
      } else last.push(profile)
      items.push({ group: groups.length - 1, profile })
    })
    if (groups.length > 0) items.push({ group: groups.length - 1, end: listing.length - 1 })

    // A group with compacted objects reads them (once, by whichever of its objects comes first) to
    // learn which objects they replace; the others cost nothing. Dropped at the group's end.
    const resolutions = new Map<number, Resolution>()
    for (const [i, profiles] of groups.entries()) {
      if (!profiles.some(isCompacted)) continue
      const resolve = unreadableOr(readGroup(store, profiles, concurrency), () => {
        progress.done += profiles.length
      }).pipe(
        Effect.map(
          Option.match({
            onNone: () => undefined,
            onSome: (group) => {
              superseded += group.resolved.superseded.length
              progress.done += group.resolved.superseded.length
              if (group.resolved.conflicts.length > 0) conflicts.push(...group.resolved.conflicts)
              return {
                live: new Set(group.resolved.live.map((p) => p.key)),
                compacted: group.compacted,
              }
            },
          }),
        ),
      )
      resolutions.set(i, yield* Effect.cached(resolve))
    }

    /** The object's content, or none when it is superseded, unreadable and skipped, or its group is. */
    const fetch = (item: Item): Effect.Effect<Content | undefined, StoreError> => {
      if ("end" in item) return Effect.succeed(undefined)
      const { profile } = item
      const download: Effect.Effect<Content | undefined, StoreError> = unreadableOr(
        retryStore(store.read(profile.key)),
        step,
      ).pipe(
        Effect.map(
          Option.match({
            onNone: () => undefined,
            onSome: (bytes) => {
              progress.bytes += bytes.byteLength
              return bytes
            },
          }),
        ),
      )
      const resolution = resolutions.get(item.group)
      if (resolution === undefined) return download
      return Effect.flatMap(resolution, (group) => {
        if (group === undefined || !group.live.has(profile.key)) return Effect.succeed(undefined)
        const view = group.compacted.get(profile.key)
        return view === undefined ? download : Effect.succeed(view)
      })
    }

    // Downloads run `concurrency` at once; decoding and merging happen one object at a time in key
    // order, so only the downloads in flight (or waiting for their turn) hold bytes.
    yield* forEachInOrder(
      items,
      fetch,
      (content, item) => {
        if ("end" in item) {
          resolutions.delete(item.group)
          outputs.passed(item.end)
          return Effect.void
        }
        if (content === undefined) return Effect.void
        return Effect.zipRight(
          unreadableOr(outputs.add(item.profile, content), () => undefined),
          Effect.sync(step),
        )
      },
      concurrency,
    )

    const profiles = outputs.results()
    return {
      profiles,
      listed: listing.length,
      superseded,
      merged: profiles.reduce((n, p) => n + p.objects, 0),
      bytes: progress.bytes,
      unreadable,
      conflicts,
    }
  })
