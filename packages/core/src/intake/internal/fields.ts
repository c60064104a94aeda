import { Schema } from "effect"
import { MAX_TIMESTAMP } from "../../profile/TimeBucket.js"

/** Dataset ids longer than this are refused: they name folders and platform resources. */
export const MAX_DATASET_ID_LENGTH = 256

/** A dataset id as intake requests must give it: a non-empty string of reasonable length. */
export const DatasetId = Schema.String.pipe(
  Schema.filter((id) =>
    id.length === 0
      ? "must not be empty"
      : id.length > MAX_DATASET_ID_LENGTH
        ? `must be at most ${MAX_DATASET_ID_LENGTH} characters`
        : true,
  ),
)

/** A timestamp as intake requests give it: epoch milliseconds (UTC), null or absent for "now". */
export const Timestamp = Schema.Number.pipe(
  Schema.filter((t) =>
    t >= 0 && t <= MAX_TIMESTAMP ? true : "must be epoch milliseconds between 1970 and the year 275760",
  ),
)

/** Whether `t` is what `Timestamp` accepts (or absent). */
export const isTimestamp = (t: unknown): t is number | null | undefined =>
  t === undefined || t === null || (typeof t === "number" && t >= 0 && t <= MAX_TIMESTAMP)

/** Whether `id` is what `DatasetId` accepts. */
export const isDatasetId = (id: unknown): id is string =>
  typeof id === "string" && id.length > 0 && id.length <= MAX_DATASET_ID_LENGTH

/** A plain JSON object (not an array, not null). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
