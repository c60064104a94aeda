import { Effect } from "effect"
import { causeText } from "../internal/causeText.js"
import { DatasetProfileView } from "../profile/DatasetProfileView.js"
import type { ProfileAccumulator } from "../profile/ProfileAccumulator.js"
import type { ProfileStore } from "./ProfileStore.js"
import type { StoredProfile } from "./StoredProfile.js"
import { StoreError } from "./StoreError.js"

/** Bytes at `key` that are not a profile (or cannot merge with the others): never retried. */
const unreadable = (store: ProfileStore, key: string, error: unknown): StoreError =>
  new StoreError({
    url: store.url,
    key,
    reason: "unreadable",
    detail: causeText(error),
    retryable: false,
    cause: error,
  })

/**
 * Reads and decodes one stored profile. An object that is not a whylogs v1 profile fails with
 * `StoreError` reason `unreadable`, naming the key and where decoding stopped; it never throws.
 */
export const readStoredProfile = (
  store: ProfileStore,
  profile: StoredProfile | string,
): Effect.Effect<DatasetProfileView, StoreError> => {
  const key = typeof profile === "string" ? profile : profile.key
  return store.read(key).pipe(Effect.flatMap((bytes) => decodeStoredProfile(store, key, bytes)))
}

/** Decodes the bytes read from `key`; bytes that are not a profile fail with reason `unreadable`. */
export const decodeStoredProfile = (
  store: ProfileStore,
  key: string,
  bytes: Uint8Array,
): Effect.Effect<DatasetProfileView, StoreError> =>
  Effect.try({
    try: () => DatasetProfileView.deserialize(bytes),
    catch: (error) => unreadable(store, key, error),
  })

/**
 * Merges one stored profile into `total`: its bytes (decoded straight into the running total, taken
 * over, not copied) or a view already read. All or nothing: bytes that are not a profile fail with
 * reason `unreadable`, and so does a profile that cannot be merged with the others (embeddings with
 * other references), naming the key; `total` is then as it was.
 */
export const addStoredProfile = (
  store: ProfileStore,
  key: string,
  total: ProfileAccumulator,
  content: DatasetProfileView | Uint8Array,
): Effect.Effect<void, StoreError> =>
  Effect.try({
    try: () => {
      if (content instanceof Uint8Array) total.addBytes(content)
      else total.add(content)
    },
    catch: (error) => unreadable(store, key, error),
  })
