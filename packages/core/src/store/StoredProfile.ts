/**
 * One profile object in a store, described from its key alone: listing a store downloads nothing.
 */
export interface StoredProfile {
  /** The key relative to the store's root, `/`-separated (a file path under a directory store). */
  readonly key: string
  readonly datasetId: string
  /** Start of the profile's time bucket, UTC epoch milliseconds. */
  readonly timestamp: number
  /**
   * The segment id (`column=value[,column=value]`, as `ProfileSegment.toString()` gives it), or
   * `undefined` for an unsegmented profile. For a `LocalWriter` file it is the file name's segment
   * part, which is made file-system safe; the profile's own tags hold the exact values.
   */
  readonly segment: string | undefined
  /** The writer that stored it (a replica id, or `compacted`); `undefined` for a `LocalWriter` file. */
  readonly replica: string | undefined
  /** Size in bytes, when the listing tells. */
  readonly size: number | undefined
  /**
   * What changes when the object is written again under the same key, when the listing tells: an
   * object store's ETag, a file's modification time. Readers that cache what they read of an object
   * key the cache by key, size and version.
   */
  readonly version?: string | undefined
}
