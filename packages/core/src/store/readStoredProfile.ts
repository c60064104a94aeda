import { Effect } from "effect"
import { causeText } from "../internal/causeText.js"
import { DatasetProfileView } from "../profile/DatasetProfileView.js"
import type { ProfileStore } from "./ProfileStore.js"
import type { StoredProfile } from "./StoredProfile.js"
import { StoreError } from "./StoreError.js"

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
    catch: (error) =>
      new StoreError({
        url: store.url,
        key,
        reason: "unreadable",
        detail: causeText(error),
        retryable: false,
        cause: error,
      }),
  })
