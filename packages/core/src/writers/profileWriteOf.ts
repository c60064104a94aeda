import { DatasetProfile } from "../profile/DatasetProfile.js"
import { DatasetProfileView } from "../profile/DatasetProfileView.js"
import { ProfileSegment } from "../profile/Segment.js"
import { TimeBucket, type TimeGranularity } from "../profile/TimeBucket.js"
import type { ProfileWrite } from "./Writer.js"

/** Where `profileWriteOf`'s profile belongs. */
export interface ProfileWriteOfOptions {
  /** Default `"model-1"`. */
  readonly datasetId?: string | undefined
  /** Start of the time bucket, UTC epoch ms (default 2024-01-01T00:00Z). */
  readonly bucketStart?: number | undefined
  /** Default `"hour"`. */
  readonly granularity?: TimeGranularity | undefined
  /** The profile's creation time (default: the bucket start, so the same columns give the same bytes). */
  readonly creationTimestamp?: number | undefined
  /** Segment columns and their values, e.g. `{ route: "/a" }` (default: unsegmented). */
  readonly segment?: Readonly<Record<string, string>> | undefined
}

/**
 * A `ProfileWrite` of `columns` (tracked column by column), as the rolling logger hands one to its
 * writers: for testing a writer of your own. From `@sketchlog/core/testing`.
 *
 * ```ts
 * await Effect.runPromise(writer.write(profileWriteOf({ x: [1, 2, 3] }, { segment: { route: "/a" } })))
 * ```
 */
export const profileWriteOf = (
  columns: Readonly<Record<string, ArrayLike<unknown>>>,
  options: ProfileWriteOfOptions = {},
): ProfileWrite => {
  const bucket = new TimeBucket(options.bucketStart ?? Date.UTC(2024, 0, 1), options.granularity ?? "hour")
  const segment =
    options.segment === undefined
      ? undefined
      : new ProfileSegment(Object.keys(options.segment), Object.values(options.segment))
  const profile = new DatasetProfile({
    datasetTimestamp: bucket.datasetTimestamp,
    creationTimestamp: options.creationTimestamp ?? bucket.datasetTimestamp,
  })
  profile.trackColumns(columns)
  const plain = profile.view()
  const view =
    segment === undefined
      ? plain
      : new DatasetProfileView({
          columns: plain.columns,
          datasetTimestamp: plain.datasetTimestamp,
          creationTimestamp: plain.creationTimestamp,
          tags: plain.tags,
          metadata: plain.metadata,
          segment,
        })
  const rows = Object.values(columns).reduce((most, values) => Math.max(most, values.length), 0)
  return {
    datasetId: options.datasetId ?? "model-1",
    bucket,
    segment,
    view,
    bytes: view.serialize(),
    rows,
  }
}
