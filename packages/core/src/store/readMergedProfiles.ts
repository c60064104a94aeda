import { Chunk, Effect, Option, Stream } from "effect"
import type { DatasetProfileView } from "../profile/DatasetProfileView.js"
import type { ProfileQuery } from "./ProfileQuery.js"
import type { ProfileStore } from "./ProfileStore.js"
import { type ReadGroup, readGroup } from "./readGroup.js"
import { decodeStoredProfile } from "./readStoredProfile.js"
import type { StoredProfile } from "./StoredProfile.js"
import type { StoreError } from "./StoreError.js"
import { groupOf, REPLACES_METADATA, withReplacedNames } from "./Supersession.js"
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

const HOUR = 3_600_000
const DAY = 24 * HOUR

const windowStart = (timestamp: number, window: MergeWindow): number =>
  window === "hour"
    ? Math.floor(timestamp / HOUR) * HOUR
    : window === "day"
      ? Math.floor(timestamp / DAY) * DAY
      : timestamp

/** A live object and, for a compacted one, its view (already read to learn what it replaces). */
interface Live {
  readonly profile: StoredProfile
  readonly view: DatasetProfileView | undefined
}

interface Accumulator {
  readonly datasetId: string
  timestamp: number
  readonly segment: string | undefined
  view: DatasetProfileView
  objects: number
  readonly replicas: Set<string>
}

/**
 * Lists the profiles `options` asks for and merges them per dataset, time window and segment across
 * replicas: the fleet view. Objects are downloaded `concurrency` at a time and merged as they come
 * (in key order, so the result is the same on every run); memory holds the listing, the merged
 * profiles and the objects in flight. Objects that a compacted object replaces are skipped — also
 * while a compaction is between writing its object and deleting its inputs — so every row counts once.
 */
export const readMergedProfiles = (
  store: ProfileStore,
  options: ReadMergedOptions = {},
): Effect.Effect<MergedRead, StoreError> =>
  Effect.gen(function* () {
    const concurrency = Math.max(1, options.concurrency ?? 16)
    const window = options.window ?? "bucket"
    const listing = Chunk.toReadonlyArray(yield* retryStore(Stream.runCollect(store.list(options))))
    const progress = { total: listing.length, done: 0, bytes: 0 }
    const report = () => options.onProgress?.({ ...progress })
    report()
    let superseded = 0
    const conflicts: string[] = []
    const unreadable: StoreError[] = []
    const outputs = new Map<string, Accumulator>()

    const add = (profile: StoredProfile, view: DatasetProfileView) => {
      const segment = options.mergeSegments === true ? undefined : profile.segment
      const start = window === "all" ? 0 : windowStart(profile.timestamp, window)
      const id = `${profile.datasetId}\u0000${start}\u0000${segment ?? ""}`
      const found = outputs.get(id)
      if (found === undefined) {
        outputs.set(id, {
          datasetId: profile.datasetId,
          timestamp: window === "all" ? profile.timestamp : start,
          segment,
          view,
          objects: 1,
          replicas: new Set([profile.replica ?? "local"]),
        })
      } else {
        found.view = found.view.merge(view)
        found.timestamp = Math.min(found.timestamp, window === "all" ? profile.timestamp : start)
        found.objects++
        found.replicas.add(profile.replica ?? "local")
      }
    }

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

    const liveOf = (group: ReadGroup): Live[] => {
      superseded += group.resolved.superseded.length
      progress.done += group.resolved.superseded.length
      if (group.resolved.conflicts.length > 0) conflicts.push(...group.resolved.conflicts)
      return group.resolved.live.map((profile) => ({ profile, view: group.compacted.get(profile.key) }))
    }

    yield* Stream.fromIterable(listing).pipe(
      Stream.groupAdjacentBy(groupOf),
      Stream.mapEffect(
        ([, profiles]) => {
          const group = Chunk.toReadonlyArray(profiles)
          return unreadableOr(readGroup(store, group, concurrency), () => {
            progress.done += group.length
          })
        },
        { concurrency },
      ),
      Stream.mapConcat(Option.match({ onNone: (): Live[] => [], onSome: liveOf })),
      Stream.mapEffect(
        ({ profile, view }) =>
          view !== undefined
            ? Effect.succeed(Option.some({ profile, view }))
            : unreadableOr(
                retryStore(store.read(profile.key)).pipe(
                  Effect.flatMap((bytes) => {
                    progress.bytes += bytes.byteLength
                    return decodeStoredProfile(store, profile.key, bytes)
                  }),
                  Effect.map((read) => ({ profile, view: read })),
                ),
                () => {
                  progress.done++
                  report()
                },
              ),
        { concurrency },
      ),
      Stream.runForEach((item) =>
        Effect.sync(() => {
          if (Option.isNone(item)) return
          add(item.value.profile, item.value.view)
          progress.done++
          report()
        }),
      ),
    )

    const profiles = Array.from(outputs.values(), (o) => ({
      datasetId: o.datasetId,
      timestamp: o.timestamp,
      segment: o.segment,
      view: o.view.metadata[REPLACES_METADATA] === undefined ? o.view : withReplacedNames(o.view, []),
      objects: o.objects,
      replicas: Array.from(o.replicas).sort(),
    })).sort(
      (a, b) =>
        compare(a.datasetId, b.datasetId) ||
        a.timestamp - b.timestamp ||
        compare(a.segment ?? "", b.segment ?? ""),
    )
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

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
