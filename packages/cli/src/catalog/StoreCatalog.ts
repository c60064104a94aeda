import {
  type ProfileStore,
  readStoredProfile,
  type StoredProfile,
  supersededKeys,
} from "@sketchlog/core/store"
import { Chunk, Effect, Stream } from "effect"
import { ProfileDigest } from "./ProfileDigest.js"
import { runEffect } from "./runEffect.js"
import { groupListing, type Listing, segmentOf } from "./StoreListing.js"
import { problemText, type StoreProblem } from "./StoreProblem.js"
import { RESOLUTION_MS, type Resolution, type TimeRange, windowStart, windowsIn } from "./TimeWindow.js"
import { type WindowPoint, windowPoint } from "./WindowPoint.js"

/** Options of a `StoreCatalog`. */
export interface CatalogOptions {
  /** Profiles read at once (default 8). */
  readonly concurrency?: number | undefined
  /** How old a listing may be before it is refreshed in the background (default 15 s). */
  readonly listingMaxAgeMs?: number | undefined
  /** Memory for digests of hours (default 160 MiB); the least recently used hours are dropped beyond it. */
  readonly cacheBytes?: number | undefined
  /** Where problems (unreadable profiles, a failed listing) are reported once each. */
  readonly log?: ((line: string) => void) | undefined
}

/** A digest of some hours and what could not be read for it. */
export interface DigestResult {
  readonly digest: ProfileDigest
  readonly problems: ReadonlyArray<StoreProblem>
}

/** Points of a dataset over time and what could not be read for them. */
export interface SeriesResult {
  readonly resolution: Resolution
  readonly range: TimeRange
  /** One per window of the range, oldest first (a window without profiles has 0 rows and no columns). */
  readonly points: ReadonlyArray<WindowPoint>
  readonly problems: ReadonlyArray<StoreProblem>
}

const HOUR = RESOLUTION_MS.hour

/** The profiles of one (dataset, segment, hour), replicas merged, and what went into the digest. */
interface Partition {
  readonly id: string
  readonly digest: ProfileDigest
  /** Keys in the digest, with the size they had. */
  readonly keys: ReadonlyMap<string, number | undefined>
  /** Keys that could not be read, with the size they had then and why. */
  readonly failed: ReadonlyMap<string, { readonly size: number | undefined; readonly message: string }>
  /** Keys a compacted object of the partition already holds: skipped, or their rows would count twice. */
  readonly superseded: ReadonlySet<string>
  readonly bytes: number
}

const partitionId = (datasetId: string, segment: string, hour: number) =>
  `${datasetId}\u0000${segment}\u0000${hour}`

/**
 * The monitor's view of a profile store: its listing (refreshed in the background) and digests of
 * its hours, each made once from the hour's profiles (every replica merged) and kept in memory up to
 * a budget, so every stored profile is read at most once while its hour stays cached — new profiles
 * of an hour are merged into its digest; only a profile that changed or disappeared (rewritten,
 * compacted) makes the hour be read again. Reads run with bounded concurrency; a profile that
 * cannot be read is a `StoreProblem`, never a failure of the whole query.
 */
export class StoreCatalog {
  readonly #concurrency: number
  readonly #maxAge: number
  readonly #budget: number
  readonly #log: (line: string) => void
  readonly #semaphore: Effect.Semaphore
  #listing: Listing | undefined
  #listingPromise: Promise<Listing> | undefined
  /** Partitions, least recently used first. */
  readonly #partitions = new Map<string, Partition>()
  readonly #pending = new Map<string, Promise<Partition>>()
  #bytes = 0
  /** Bumped whenever a dataset's partitions change, so cached series know they are stale. */
  readonly #versions = new Map<string, number>()
  readonly #series = new Map<string, { version: number; result: Promise<SeriesResult> }>()
  readonly #digests = new Map<string, { version: number; result: Promise<DigestResult> }>()
  readonly #reported = new Set<string>()
  /** Profiles read so far (each read is one download and decode). */
  reads = 0

  constructor(
    readonly store: ProfileStore,
    options: CatalogOptions = {},
  ) {
    this.#concurrency = Math.max(1, options.concurrency ?? 8)
    this.#semaphore = Effect.unsafeMakeSemaphore(this.#concurrency)
    this.#maxAge = options.listingMaxAgeMs ?? 15_000
    this.#budget = options.cacheBytes ?? 160 * 1024 * 1024
    this.#log = options.log ?? (() => undefined)
  }

  /** Bytes of digests held (approximate). */
  get cachedBytes(): number {
    return this.#bytes
  }

  /**
   * The listing: the cached one while it is fresh; an old one is returned at once and refreshed in
   * the background. Rejects with the store's error when there is no listing yet and it fails.
   */
  async listing(): Promise<Listing> {
    const known = this.#listing
    if (known !== undefined) {
      if (Date.now() - known.at > this.#maxAge) this.refresh().catch(() => undefined)
      return known
    }
    return this.refresh()
  }

  /** Lists the store now (one listing at a time). */
  refresh(): Promise<Listing> {
    if (this.#listingPromise !== undefined) return this.#listingPromise
    const started = Date.now()
    const promise = runEffect(Stream.runCollect(this.store.list()))
      .then((chunk) => {
        const listing = groupListing(Chunk.toReadonlyArray(chunk), started)
        this.#listing = listing
        return listing
      })
      .catch((error: unknown) => {
        this.#report(`cannot list ${this.store.url}: ${problemText(error)}`)
        throw error
      })
      .finally(() => {
        this.#listingPromise = undefined
      })
    this.#listingPromise = promise
    return promise
  }

  /** When the dataset's first profile starts, or undefined when the store has none of it. */
  async firstProfile(datasetId: string): Promise<number | undefined> {
    return (await this.listing()).datasets.get(datasetId)?.earliest
  }

  /**
   * The digest of a dataset over `range` (whole hours), every segment merged or only `segment`.
   * Kept until the dataset's profiles change.
   */
  digest(datasetId: string, range: TimeRange, segment?: string): Promise<DigestResult> {
    const key = `${datasetId}\u0000${segment ?? "\u0001"}\u0000${range.from}\u0000${range.to}`
    return this.#cached(this.#digests, 200, key, datasetId, async () => {
      const hours = await this.#hours(datasetId, range, segment)
      return { digest: ProfileDigest.merge(hours.digests.map(([, d]) => d)), problems: hours.problems }
    })
  }

  /**
   * One point per window of `resolution` in `range`: rows, and per column the figures the charts
   * draw. Kept until the dataset's profiles change.
   */
  series(
    datasetId: string,
    range: TimeRange,
    resolution: Resolution,
    segment?: string,
  ): Promise<SeriesResult> {
    const key = `${datasetId}\u0000${segment ?? "\u0001"}\u0000${range.from}\u0000${range.to}\u0000${resolution}`
    return this.#cached(this.#series, 500, key, datasetId, () =>
      this.#computeSeries(datasetId, range, resolution, segment),
    )
  }

  /**
   * A result kept in `cache` under `key` while the dataset's version stays the same (least recently
   * used dropped beyond `limit`); a failure is not kept.
   */
  #cached<A>(
    cache: Map<string, { version: number; result: Promise<A> }>,
    limit: number,
    key: string,
    datasetId: string,
    compute: () => Promise<A>,
  ): Promise<A> {
    const known = cache.get(key)
    if (known !== undefined && known.version === (this.#versions.get(datasetId) ?? 0)) {
      cache.delete(key)
      cache.set(key, known)
      return known.result
    }
    const result = compute()
    const entry = { version: this.#versions.get(datasetId) ?? 0, result }
    cache.set(key, entry)
    // Computing may digest new hours and so move the dataset's version: the result is current then.
    result.then(
      () => {
        entry.version = this.#versions.get(datasetId) ?? 0
      },
      () => {
        if (cache.get(key) === entry) cache.delete(key)
      },
    )
    while (cache.size > limit) cache.delete(cache.keys().next().value as string)
    return result
  }

  async #computeSeries(
    datasetId: string,
    range: TimeRange,
    resolution: Resolution,
    segment: string | undefined,
  ): Promise<SeriesResult> {
    const hours = await this.#hours(datasetId, range, segment)
    const byWindow = new Map<number, ProfileDigest[]>()
    for (const [hour, digest] of hours.digests) {
      const start = windowStart(hour, resolution)
      const list = byWindow.get(start)
      if (list === undefined) byWindow.set(start, [digest])
      else list.push(digest)
    }
    const points = windowsIn(range, resolution).map((start) =>
      windowPoint(start, ProfileDigest.merge(byWindow.get(start) ?? [])),
    )
    return { resolution, range, points, problems: hours.problems }
  }

  /** Digests of each hour of `range` that has profiles (segments merged), oldest first. */
  async #hours(
    datasetId: string,
    range: TimeRange,
    segment: string | undefined,
  ): Promise<{ digests: Array<[number, ProfileDigest]>; problems: StoreProblem[] }> {
    const listing = await this.listing()
    const dataset = listing.datasets.get(datasetId)
    if (dataset === undefined) return { digests: [], problems: [] }
    const groups = new Map<string, { hour: number; segment: string; profiles: StoredProfile[] }>()
    for (const profile of dataset.profiles) {
      if (profile.timestamp < range.from || profile.timestamp >= range.to) continue
      const seg = segmentOf(profile)
      if (segment !== undefined && seg !== segment) continue
      const hour = windowStart(profile.timestamp, "hour")
      const id = partitionId(datasetId, seg, hour)
      const group = groups.get(id)
      if (group === undefined) groups.set(id, { hour, segment: seg, profiles: [profile] })
      else group.profiles.push(profile)
    }
    const partitions = await Promise.all(
      [...groups.entries()].map(([id, group]) => this.#partition(id, datasetId, group.profiles)),
    )
    const byHour = new Map<number, ProfileDigest[]>()
    const problems: StoreProblem[] = []
    for (const partition of partitions) {
      const hour = Number(partition.id.slice(partition.id.lastIndexOf("\u0000") + 1))
      const list = byHour.get(hour)
      if (list === undefined) byHour.set(hour, [partition.digest])
      else list.push(partition.digest)
      for (const [key, failure] of partition.failed) problems.push({ key, message: failure.message })
    }
    const digests = [...byHour.entries()]
      .sort(([a], [b]) => a - b)
      .map(([hour, list]): [number, ProfileDigest] => [hour, ProfileDigest.merge(list)])
    return { digests, problems }
  }

  /** The partition's digest, brought up to date with `profiles` (its current listing). */
  #partition(id: string, datasetId: string, profiles: ReadonlyArray<StoredProfile>): Promise<Partition> {
    const pending = this.#pending.get(id)
    if (pending !== undefined) return pending
    const known = this.#partitions.get(id)
    if (known !== undefined && isCurrent(known, profiles)) {
      this.#partitions.delete(id)
      this.#partitions.set(id, known)
      return Promise.resolve(known)
    }
    const promise = this.#update(id, datasetId, known, profiles).finally(() => this.#pending.delete(id))
    this.#pending.set(id, promise)
    return promise
  }

  async #update(
    id: string,
    datasetId: string,
    known: Partition | undefined,
    profiles: ReadonlyArray<StoredProfile>,
  ): Promise<Partition> {
    // Objects a compaction already merged (also while it has not deleted them yet) are skipped.
    const superseded = await runEffect(supersededKeys(this.store, profiles)).catch(() => new Set<string>())
    // A key that is gone, changed size (rewritten) or is now superseded invalidates the digest: start over.
    const keep =
      known !== undefined &&
      [...known.keys].every(([key, size]) => {
        const now = profiles.find((p) => p.key === key)
        return now !== undefined && now.size === size && !superseded.has(key)
      })
    const base = keep ? known : undefined
    const toRead = profiles.filter((p) => {
      if (base?.keys.has(p.key) || superseded.has(p.key)) return false
      const failed = base?.failed.get(p.key)
      return failed === undefined || failed.size !== p.size
    })
    const results = await Promise.all(toRead.map((p) => this.#read(p)))
    const digests = base === undefined ? [] : [base.digest]
    const keys = new Map(base?.keys)
    const failed = new Map(base?.failed)
    results.forEach((result, i) => {
      const profile = toRead[i] as StoredProfile
      if (result instanceof ProfileDigest) {
        digests.push(result)
        keys.set(profile.key, profile.size)
        failed.delete(profile.key)
      } else failed.set(profile.key, { size: profile.size, message: result })
    })
    const digest = ProfileDigest.merge(digests)
    const partition: Partition = { id, digest, keys, failed, superseded, bytes: digest.approximateBytes }
    if (known !== undefined) {
      this.#partitions.delete(id)
      this.#bytes -= known.bytes
    }
    this.#partitions.set(id, partition)
    this.#bytes += partition.bytes
    this.#versions.set(datasetId, (this.#versions.get(datasetId) ?? 0) + 1)
    this.#evict()
    return partition
  }

  /** Reads and digests one profile; a failure is its message (reported once). */
  #read(profile: StoredProfile): Promise<ProfileDigest | string> {
    const read = readStoredProfile(this.store, profile).pipe(
      Effect.map((view) => ProfileDigest.of(view)),
      Effect.tap(() =>
        Effect.sync(() => {
          this.reads++
        }),
      ),
      // A profile that decodes but breaks a digest (a bug, or bytes no check caught) is a problem too.
      Effect.catchAllDefect((defect) => Effect.fail(defect)),
      Effect.catchAll((error) => Effect.succeed(problemText(error))),
    )
    return Effect.runPromise(this.#semaphore.withPermits(1)(read)).then((result) => {
      if (typeof result === "string") this.#report(`cannot read ${profile.key}: ${result}`)
      return result
    })
  }

  #evict(): void {
    for (const [id, partition] of this.#partitions) {
      if (this.#bytes <= this.#budget) break
      this.#partitions.delete(id)
      this.#bytes -= partition.bytes
    }
  }

  #report(line: string): void {
    if (this.#reported.has(line)) return
    this.#reported.add(line)
    this.#log(line)
  }
}

/** Whether the digest holds exactly `profiles` (same keys, same sizes) and retries nothing. */
const isCurrent = (partition: Partition, profiles: ReadonlyArray<StoredProfile>): boolean =>
  profiles.length === partition.keys.size + partition.failed.size + partition.superseded.size &&
  profiles.every((p) =>
    partition.keys.has(p.key)
      ? partition.keys.get(p.key) === p.size
      : partition.superseded.has(p.key) || partition.failed.get(p.key)?.size === p.size,
  )

/** Whole hours covering `range`. */
export const hourRange = (range: TimeRange): TimeRange => ({
  from: windowStart(range.from, "hour"),
  to: Math.ceil(range.to / HOUR) * HOUR,
})
