/**
 * Profile stores: where profiles from one machine or a whole fleet meet. `openStore(url)` opens a
 * directory or an `s3://bucket/prefix` (through `@sketchlog/s3`); a store lists profiles by dataset,
 * time range and segment from their keys alone and reads them one by one. `StoreWriter` writes each
 * profile as its own object, exactly once; `readMergedProfiles` merges them across replicas;
 * `compactStore` folds each partition's objects into one.
 */
export {
  type CompactionResult,
  type CompactionStep,
  type CompactOptions,
  compactStore,
} from "./compactStore.js"
export { DirectoryStore, type DirectoryStoreOptions } from "./DirectoryStore.js"
export { displayUrl, openStore, type StoreOptions } from "./openStore.js"
export { matchesQuery, type ProfileQuery } from "./ProfileQuery.js"
export type { ProfileStore } from "./ProfileStore.js"
export { partitionPrefixes } from "./partitionPrefixes.js"
export { isReplicaId, processReplicaId } from "./ReplicaId.js"
export {
  type MergedProfile,
  type MergedRead,
  type MergeWindow,
  type ReadMergedOptions,
  type ReadProgress,
  readMergedProfiles,
} from "./readMergedProfiles.js"
export { decodeStoredProfile, readStoredProfile } from "./readStoredProfile.js"
export type { StoredProfile } from "./StoredProfile.js"
export { StoreError, type StoreFailure } from "./StoreError.js"
export {
  type ProfileKeyParts,
  parseProfileKey,
  parseTimeStamp,
  partitionOf,
  profileKey,
  segmentFolder,
  timeStamp,
  UNSEGMENTED,
} from "./StoreKey.js"
export { StoreWriter, type StoreWriterOptions } from "./StoreWriter.js"
export { COMPACTED_REPLICA, REPLACES_METADATA } from "./Supersession.js"
export { resolveStoreUrl, STORE_ENV } from "./storeUrl.js"
export { supersededKeys } from "./supersededKeys.js"
