/**
 * Profile stores: where profiles from one machine or a whole fleet meet. `openStore(url)` opens a
 * directory or an `s3://bucket/prefix` (through `@sketchlog/s3`); a store lists profiles by dataset,
 * time range and segment from their keys alone and reads them one by one.
 */
export { DirectoryStore, type DirectoryStoreOptions } from "./DirectoryStore.js"
export { displayUrl, openStore, type StoreOptions } from "./openStore.js"
export { matchesQuery, type ProfileQuery } from "./ProfileQuery.js"
export type { ProfileStore } from "./ProfileStore.js"
export { readStoredProfile } from "./readStoredProfile.js"
export type { StoredProfile } from "./StoredProfile.js"
export { StoreError, type StoreFailure } from "./StoreError.js"
export {
  type ProfileKeyParts,
  parseProfileKey,
  parseTimeStamp,
  partitionOf,
  profileKey,
  timeStamp,
  UNSEGMENTED,
} from "./StoreKey.js"
