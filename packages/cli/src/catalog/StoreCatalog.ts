import { type ProfileStore, type StoredProfile, supersededKeys } from "@sketchlog/core/store"
import { Chunk, Effect, Stream } from "effect"
import { isCurrent, type PartitionDigest, PartitionMerge, plan } from "./PartitionDigest.js"
import { ProfileDigest } from "./ProfileDigest.js"
import { ReadPermits } from "./ReadPermits.js"
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

/** Every segment of an hour, as one partition (the segment filter of most pages and monitors). */
const ALL_SEGMENTS = "\u0001"

const partitionId = (datasetId: string, segment: string, hour: number) =>
  `${datasetId}\u0000${segment}\u0000${hour}`

/**
 * The monitor's view of a profile store: its listing (refreshed in the background) and digests of
 * its hours — every segment together, or one segment when a page filters on it —, each made once
 * from the hour's profiles (every replica decoded into one running merge, then one digest) and kept
 * in memory up to a budget, so every stored profile is read at most once while its hour stays cached:
 * new profiles of an hour are merged into its digest; only a profile that changed (another size or
 * version: ETag, modification time) or disappeared (compacted) makes the hour be read again. Series
 * and digests of ranges are kept per dataset listing: a listing where any of the dataset's objects
 * changed computes them again (from the cached hours). Reads run with bounded concurrency; a profile
 * that cannot be read is a `StoreProblem`, never a failure of the whole query.
 */
export class StoreCatalog {
  readonly #concurrency: number
  readonly #maxAge: number
  readonly #budget: number
  readonly #log: (line: string) => void
  readonly #permits: ReadPermits
  #listing: Listing | undefined
  #listingPromise: Promise<Listing> | undefined
  /** Partitions, least recently used first. */
  readonly #partitions = new Map<string, PartitionDigest>()
  readonly #pending = new Map<string, Promise<PartitionDigest>>()
  #bytes = 0
  /** Kept per dataset listing (`DatasetListing.signature`): a changed listing computes them again. */
  readonly #series = new Map<string, { signature: string; result: Promise<SeriesResult> }>()
  readonly #digests = new Map<string, { signature: string; result: Promise<DigestResult> }>()
  readonly #reported = new Set<string>()
  /** Profiles read so far (each read is one download and decode). */
  reads = 0

  constructor(
    readonly store: ProfileStore,
    options: CatalogOptions = {},
  ) {
    this.#concurrency = Math.max(1, options.concurrency ?? 8)
    this.#permits = new ReadPermits(this.#concurrency)
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
   * A result kept in `cache` under `key` while the dataset's listing stays the same (least recently
   * used dropped beyond `limit`); a failure is not kept.
   */
  async #cached<A>(
    cache: Map<string, { signature: string; result: Promise<A> }>,
    limit: number,
    key: string,
    datasetId: string,
    compute: () => Promise<A>,
  ): Promise<A> {
    const signature = (await this.listing()).datasets.get(datasetId)?.signature ?? ""
    const known = cache.get(key)
    if (known !== undefined && known.signature === signature) {
      cache.delete(key)
      cache.set(key, known)
      return known.result
    }
    const result = compute()
    const entry = { signature, result }
    cache.set(key, entry)
    result.catch(() => {
      if (cache.get(key) === entry) cache.delete(key)
    })
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

  /** Digests of each hour of `range` that has profiles (every segment, or `segment`), oldest first. */
  async #hours(
    datasetId: string,
    range: TimeRange,
    segment: string | undefined,
  ): Promise<{ digests: Array<[number, ProfileDigest]>; problems: StoreProblem[] }> {
    const listing = await this.listing()
    const dataset = listing.datasets.get(datasetId)
    if (dataset === undefined) return { digests: [], problems: [] }
    const hours = new Map<number, StoredProfile[]>()
    for (const profile of dataset.profiles) {
      if (profile.timestamp < range.from || profile.timestamp >= range.to) continue
      if (segment !== undefined && segmentOf(profile) !== segment) continue
      const hour = windowStart(profile.timestamp, "hour")
      const list = hours.get(hour)
      if (list === undefined) hours.set(hour, [profile])
      else list.push(profile)
    }
    const partitions = await Promise.all(
      [...hours].map(async ([hour, profiles]): Promise<[number, PartitionDigest]> => {
        const id = partitionId(datasetId, segment ?? ALL_SEGMENTS, hour)
        return [hour, await this.#partition(id, profiles)]
      }),
    )
    const problems: StoreProblem[] = []
    for (const [, partition] of partitions)
      for (const [key, failure] of partition.failed) problems.push({ key, message: failure.message })
    const digests = partitions
      .sort(([a], [b]) => a - b)
      .map(([hour, partition]): [number, ProfileDigest] => [hour, partition.digest])
    return { digests, problems }
  }

  /** The partition's digest, brought up to date with `profiles` (its current listing). */
  #partition(id: string, profiles: ReadonlyArray<StoredProfile>): Promise<PartitionDigest> {
    const pending = this.#pending.get(id)
    if (pending !== undefined) return pending
    const known = this.#partitions.get(id)
    if (known !== undefined && isCurrent(known, profiles)) {
      this.#partitions.delete(id)
      this.#partitions.set(id, known)
      return Promise.resolve(known)
    }
    const promise = this.#update(id, known, profiles).finally(() => this.#pending.delete(id))
    this.#pending.set(id, promise)
    return promise
  }

  async #update(
    id: string,
    known: PartitionDigest | undefined,
    profiles: ReadonlyArray<StoredProfile>,
  ): Promise<PartitionDigest> {
    // Objects a compaction already merged (also while it has not deleted them yet) are skipped.
    const superseded = await runEffect(supersededKeys(this.store, profiles)).catch(() => new Set<string>())
    // A key that is gone, changed (size, version) or is now superseded invalidates the digest: start over.
    const { base, toRead } = plan(known, profiles, superseded)
    const merge = new PartitionMerge()
    await Promise.all(toRead.map((profile) => this.#read(profile, merge)))
    const digest = ProfileDigest.merge([base?.digest ?? ProfileDigest.empty, merge.digest()])
    const keys = new Map(base?.keys)
    const failed = new Map(base?.failed)
    for (const [key, stamp] of merge.keys) {
      keys.set(key, stamp)
      failed.delete(key)
    }
    for (const [key, failure] of merge.failed) failed.set(key, failure)
    const partition: PartitionDigest = {
      id,
      digest,
      keys,
      failed,
      superseded,
      bytes: digest.approximateBytes,
    }
    if (known !== undefined) {
      this.#partitions.delete(id)
      this.#bytes -= known.bytes
    }
    this.#partitions.set(id, partition)
    this.#bytes += partition.bytes
    this.#evict()
    return partition
  }

  /** Reads one profile into `merge` (a failure is recorded there and reported once). */
  async #read(profile: StoredProfile, merge: PartitionMerge): Promise<void> {
    const read = await Effect.runPromise(
      this.#permits.with(
        Effect.either(Effect.catchAllDefect(this.store.read(profile.key), (defect) => Effect.fail(defect))),
      ),
    )
    const failure =
      read._tag === "Left"
        ? merge.fail(profile, problemText(read.left))
        : merge.add(profile, read.right, problemText)
    if (failure === undefined) this.reads++
    else this.#report(`cannot read ${profile.key}: ${failure}`)
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

/** Whole hours covering `range`. */
export const hourRange = (range: TimeRange): TimeRange => ({
  from: windowStart(range.from, "hour"),
  to: Math.ceil(range.to / HOUR) * HOUR,
})
