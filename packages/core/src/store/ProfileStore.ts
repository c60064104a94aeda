import type { Effect, Stream } from "effect"
import type { ProfileQuery } from "./ProfileQuery.js"
import type { StoredProfile } from "./StoredProfile.js"
import type { StoreError } from "./StoreError.js"

/**
 * Where profiles meet: a directory for one machine, an S3-protocol bucket for a fleet, seen as keys.
 * `openStore(url)` gives one; readers (the CLI, `sketchlog serve`, `sketchlog check`) list and read
 * through it, `StoreWriter` writes through it, `sketchlog compact` does both.
 */
export interface ProfileStore {
  /** The URL it was opened with (a directory path or `s3://bucket/prefix`), never with credentials. */
  readonly url: string
  /** Every dataset id that has at least one profile, sorted. */
  readonly datasets: Effect.Effect<ReadonlyArray<string>, StoreError>
  /** The profiles `query` asks for, in key order, listed page by page (nothing is downloaded). */
  readonly list: (query?: ProfileQuery) => Stream.Stream<StoredProfile, StoreError>
  /** The bytes at `key`. */
  readonly read: (key: string) => Effect.Effect<Uint8Array, StoreError>
  /** Stores `bytes` at `key`, whole or not at all, replacing what was there. */
  readonly put: (key: string, bytes: Uint8Array) => Effect.Effect<void, StoreError>
  /** Deletes the objects at `keys`; a key that is already gone is not an error. */
  readonly remove: (keys: ReadonlyArray<string>) => Effect.Effect<void, StoreError>
}
