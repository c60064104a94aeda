import { createHash, randomBytes } from "node:crypto"
import { Effect } from "effect"
import { causeText } from "../internal/causeText.js"
import { firstUnknownOption, optionNamesOf } from "../internal/optionNames.js"
import type { ProfileWrite, WriteReceipt, Writer } from "../writers/Writer.js"
import { WriterError, WriterOptionsError } from "../writers/WriterError.js"
import { displayUrl, openStore, type StoreOptions } from "./openStore.js"
import type { ProfileStore } from "./ProfileStore.js"
import { isReplicaId, processReplicaId } from "./ReplicaId.js"
import type { StoreError } from "./StoreError.js"
import { profileKey } from "./StoreKey.js"
import { COMPACTED_REPLICA } from "./Supersession.js"

/** Options of a `StoreWriter`. */
export interface StoreWriterOptions {
  /**
   * Where profiles go: a store, or its URL (a directory, `file://…` or `s3://bucket/prefix`), opened
   * on the first write (`openStore`).
   */
  readonly store: ProfileStore | string
  /** Options of `openStore` when `store` is a URL (the `s3` options of `@sketchlog/s3`, file modes). */
  readonly storeOptions?: StoreOptions | undefined
  /**
   * Who writes, in every object's name (`[A-Za-z0-9-]`, up to 128 characters). Default: this process
   * (`processReplicaId()`: host name, process id, start time). Give a stable one (a pod name) only if
   * no two live processes ever share it.
   */
  readonly replica?: string | undefined
  /** Unique writer name, also its outbox folder (default `store:<url>`): keep it stable across restarts. */
  readonly name?: string | undefined
  /** Uploads at once (default 4). */
  readonly concurrency?: number | undefined
}

const storeWriterOptionNames = optionNamesOf<StoreWriterOptions>()([
  "store",
  "storeOptions",
  "replica",
  "name",
  "concurrency",
])

/** The `<replica>.<id>` a store writer names a write with (`ProfileWrite.writeId`). */
const WRITE_ID = /^([A-Za-z0-9-]{1,128})\.([a-f0-9]{24})$/

/**
 * Writes each profile as its own object in a profile store, under the partitioned key
 * `dataset=…/date=…/hour=…/segment=…/<bucket>.<replica>.<id>.bin` (`profileKey`). The bytes are
 * the logger's whylogs v1 bytes, unchanged: the same bytes `LocalWriter` writes for the same rows.
 *
 * Exactly once: before a write's first attempt the writer names it (`writeId`): its replica and a
 * 96-bit digest of the profile's bytes, a random number drawn when this writer was made and the
 * write's sequence number. Retries, and replays from the outbox after a restart, reuse that name, so
 * an upload that succeeded but whose answer was lost is overwritten by its retry rather than stored
 * twice; two replicas never share a name, even with byte-identical profiles, and neither do two
 * writes of one replica whose bytes happen to be identical. Nothing is ever merged into an object
 * that exists: readers merge across objects (`readMergedProfiles`), and `compactStore` folds a
 * partition's objects into one.
 */
export class StoreWriter implements Writer {
  readonly name: string
  readonly concurrency: number
  /** The replica id in this writer's object names. */
  readonly replica: string
  readonly #store: Effect.Effect<ProfileStore, StoreError>
  readonly #url: string
  readonly #nonce = randomBytes(16)
  #sequence = 0
  /** Names of writes given to `write` without one (a caller outside the logger), per write object. */
  readonly #unnamed = new WeakMap<ProfileWrite, string>()

  /** Throws `WriterOptionsError` for an unknown option (naming the nearest known one). */
  constructor(options: StoreWriterOptions) {
    const unknown = firstUnknownOption(options, storeWriterOptionNames)
    if (unknown !== undefined) throw new WriterOptionsError({ writer: "StoreWriter", ...unknown })
    const replica = options.replica ?? processReplicaId()
    if (!isReplicaId(replica) || replica === COMPACTED_REPLICA) {
      throw new RangeError(
        `replica ${JSON.stringify(replica)}: use 1–128 letters, digits and '-' (and not "${COMPACTED_REPLICA}")`,
      )
    }
    this.replica = replica
    const { store } = options
    this.#url = typeof store === "string" ? displayUrl(store) : store.url
    this.#store =
      typeof store === "string"
        ? Effect.runSync(Effect.cached(openStore(store, options.storeOptions)))
        : Effect.succeed(store)
    this.name = options.name ?? `store:${this.#url}`
    this.concurrency = options.concurrency ?? 4
  }

  /** The store, opened on first use. */
  get store(): Effect.Effect<ProfileStore, StoreError> {
    return this.#store
  }

  readonly writeId = (profile: ProfileWrite): string => {
    const sequence = this.#sequence++
    const digest = createHash("sha256")
      .update(this.#nonce)
      .update(`${sequence}\n`)
      .update(profile.bytes)
      .digest("hex")
      .slice(0, 24)
    return `${this.replica}.${digest}`
  }

  /** The key `profile` is stored under. */
  keyOf(profile: ProfileWrite): string {
    const [, replica, id] = WRITE_ID.exec(this.#nameOf(profile)) as RegExpExecArray
    return profileKey({
      datasetId: profile.datasetId,
      timestamp: profile.bucket.start,
      segment: profile.segment?.toString(),
      replica: replica as string,
      id: id as string,
    })
  }

  readonly write = (profile: ProfileWrite): Effect.Effect<WriteReceipt, WriterError> =>
    Effect.gen(this, function* () {
      const key = yield* Effect.try({
        try: () => this.keyOf(profile),
        catch: (error) =>
          new WriterError({
            writer: this.name,
            reason: `cannot name the object of ${profile.datasetId}: ${causeText(error)}`,
            retryable: false,
            cause: error,
          }),
      })
      const store = yield* this.#store
      yield* store.put(key, profile.bytes)
      return { destination: `${store.url.replace(/\/+$/, "")}/${key}` }
    }).pipe(
      Effect.mapError((error) =>
        error._tag === "WriterError"
          ? error
          : new WriterError({
              writer: this.name,
              reason: error.message,
              retryable: error.retryable,
              retryAfterMillis: error.retryAfterMillis,
              cause: error,
            }),
      ),
    )

  /** The write's name: the one it carries when it is well formed, else one made now (kept per write object). */
  #nameOf(profile: ProfileWrite): string {
    if (profile.writeId !== undefined && WRITE_ID.test(profile.writeId)) return profile.writeId
    let name = this.#unnamed.get(profile)
    if (name === undefined) {
      name = this.writeId(profile)
      this.#unnamed.set(profile, name)
    }
    return name
  }
}
