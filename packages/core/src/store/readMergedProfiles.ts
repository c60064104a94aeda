import { Chunk, Effect, Option, Stream } from "effect"
import type { DatasetProfileView } from "../profile/DatasetProfileView.js"
import { MergeOutputs } from "./internal/MergeOutputs.js"
import type { ProfileQuery } from "./ProfileQuery.js"
import type { ProfileStore } from "./ProfileStore.js"
import { type ReadGroup, readGroup } from "./readGroup.js"
import type { StoredProfile } from "./StoredProfile.js"
import type { StoreError } from "./StoreError.js"
import { groupOf } from "./Supersession.js"
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

/** A live object and, for a compacted one, its view (already read to learn what it replaces). */
interface Live {
  readonly profile: StoredProfile
  readonly view: DatasetProfileView | undefined
}

/** The end of a group: the listing position of its last object. */
interface GroupEnd {
  readonly end: number
}

/** A live object, downloaded: its bytes, or the view its group already read. */
interface Fetched {
  readonly profile: StoredProfile
  readonly content: DatasetProfileView | Uint8Array
}

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

    // The listing cut into groups (`groupOf`, adjacent in key order), each with where it ends.
    const groups: Array<{ profiles: StoredProfile[]; end: number }> = []
    listing.forEach((profile, i) => {
      const last = groups[groups.length - 1]
      if (last !== undefined && groupOf(last.profiles[0] as StoredProfile) === groupOf(profile)) {
        last.profiles.push(profile)
        last.end = i
      } else groups.push({ profiles: [profile], end: i })
    })

    const liveOf = (group: ReadGroup, end: number): Array<Live | GroupEnd> => {
      superseded += group.resolved.superseded.length
      progress.done += group.resolved.superseded.length
      if (group.resolved.conflicts.length > 0) conflicts.push(...group.resolved.conflicts)
      return [
        ...group.resolved.live.map((profile) => ({ profile, view: group.compacted.get(profile.key) })),
        { end },
      ]
    }

    yield* Stream.fromIterable(groups).pipe(
      Stream.mapEffect(
        ({ profiles, end }) =>
          unreadableOr(
            Effect.map(readGroup(store, profiles, concurrency), (group) => liveOf(group, end)),
            () => {
              progress.done += profiles.length
            },
          ).pipe(Effect.map(Option.getOrElse((): Array<Live | GroupEnd> => [{ end }]))),
        { concurrency },
      ),
      Stream.mapConcat((items) => items),
      // Downloads run `concurrency` at once; decoding and merging happen below, one object at a time
      // in key order, so only the downloads in flight hold bytes.
      Stream.mapEffect(
        (item): Effect.Effect<Option.Option<Fetched | GroupEnd>, StoreError> =>
          "end" in item
            ? Effect.succeed(Option.some(item))
            : item.view !== undefined
              ? Effect.succeed(Option.some({ profile: item.profile, content: item.view }))
              : unreadableOr(
                  Effect.map(retryStore(store.read(item.profile.key)), (bytes) => {
                    progress.bytes += bytes.byteLength
                    return { profile: item.profile, content: bytes }
                  }),
                  step,
                ),
        { concurrency },
      ),
      Stream.runForEach((item) => {
        if (Option.isNone(item)) return Effect.void
        const value = item.value
        if ("end" in value) return Effect.sync(() => outputs.passed(value.end))
        return Effect.zipRight(
          unreadableOr(outputs.add(value.profile, value.content), () => undefined),
          Effect.sync(step),
        )
      }),
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
