import { Schema } from "effect"

const SegmentTagSchema = Schema.Struct({ key: Schema.String, value: Schema.String })

/** A profile was written somewhere (a local file, or handed to an upload). Published by writers. */
export class ProfileWritten extends Schema.TaggedClass<ProfileWritten>()("ProfileWritten", {
  datasetId: Schema.String,
  datasetTimestamp: Schema.Number,
  /** Where it went: a file path, or `whylabs`. */
  destination: Schema.String,
  bytes: Schema.Number,
  segmentTags: Schema.Array(SegmentTagSchema),
}) {}

/** An upload began. `uploadKey` ties together every event of one upload. */
export class UploadStarted extends Schema.TaggedClass<UploadStarted>()("UploadStarted", {
  uploadKey: Schema.String,
  upload: Schema.Literal("profile", "reference"),
  datasetId: Schema.String,
  datasetTimestamp: Schema.Number,
  segmentTags: Schema.Array(SegmentTagSchema),
  bytes: Schema.Number,
}) {}

/** Bytes of an upload were handed to the connection. */
export class UploadProgress extends Schema.TaggedClass<UploadProgress>()("UploadProgress", {
  uploadKey: Schema.String,
  sentBytes: Schema.Number,
  totalBytes: Schema.Number,
}) {}

/** An upload completed; `id` is the platform's id of it (absent for anonymous uploads). */
export class UploadSucceeded extends Schema.TaggedClass<UploadSucceeded>()("UploadSucceeded", {
  uploadKey: Schema.String,
  datasetId: Schema.String,
  id: Schema.optional(Schema.String),
  observatoryUrl: Schema.optional(Schema.String),
  bytes: Schema.Number,
  /** HTTP attempts it took, over the announcement and the PUT. */
  attempts: Schema.Number,
}) {}

/**
 * An attempt of an upload failed. With `willRetry` another attempt follows after `retryInMillis`;
 * without, the upload has failed for good and `error`/`message` say why (never with a secret).
 */
export class UploadFailed extends Schema.TaggedClass<UploadFailed>()("UploadFailed", {
  uploadKey: Schema.String,
  datasetId: Schema.String,
  /** The `_tag` of the error, e.g. `PlatformError`. */
  error: Schema.String,
  message: Schema.String,
  willRetry: Schema.Boolean,
  retryInMillis: Schema.optional(Schema.Number),
  attempt: Schema.Number,
}) {}

/**
 * A writer's attempt to store a profile failed (any writer: a store, your own; uploads to the
 * platform also report `UploadFailed`). With `willRetry` another attempt follows after
 * `retryInMillis`; without, the profile went to the outbox (`kept`) or was lost (`RowsDropped`
 * follows). `message` never holds a secret.
 */
export class WriteFailed extends Schema.TaggedClass<WriteFailed>()("WriteFailed", {
  writer: Schema.String,
  datasetId: Schema.String,
  datasetTimestamp: Schema.Number,
  /** The `_tag` of the underlying error (`StoreError`, …), else `WriterError`. */
  error: Schema.String,
  /** The store's reason (`unavailable`, `denied`, …) when the writer wrote to a profile store. */
  reason: Schema.optional(Schema.String),
  message: Schema.String,
  attempt: Schema.Number,
  willRetry: Schema.Boolean,
  retryInMillis: Schema.optional(Schema.Number),
  /** Kept in the outbox for a later attempt (false: lost, or a retry follows). */
  kept: Schema.Boolean,
}) {}

/** Rows were dropped instead of profiled (e.g. the logger's queue was full). Published by the logger. */
export class RowsDropped extends Schema.TaggedClass<RowsDropped>()("RowsDropped", {
  datasetId: Schema.String,
  count: Schema.Number,
  reason: Schema.String,
}) {}

/** The session's access token was renewed, before expiry or after a 401. */
export class TokenRefreshed extends Schema.TaggedClass<TokenRefreshed>()("TokenRefreshed", {
  reason: Schema.Literal("expiry", "unauthorized", "other-process"),
  /** Epoch milliseconds, when the platform said. */
  expiresAt: Schema.optional(Schema.Number),
}) {}

/** Everything a session's event stream carries. */
export const SessionEvent = Schema.Union(
  ProfileWritten,
  UploadStarted,
  UploadProgress,
  UploadSucceeded,
  UploadFailed,
  WriteFailed,
  RowsDropped,
  TokenRefreshed,
)

/** An event of a session's stream. */
export type SessionEvent = typeof SessionEvent.Type

/** The events of uploads, which `onProgress` follows. */
export type UploadEvent = UploadStarted | UploadProgress | UploadSucceeded | UploadFailed

/** Whether `event` is about an upload. */
export const isUploadEvent = (event: SessionEvent): event is UploadEvent =>
  event._tag === "UploadStarted" ||
  event._tag === "UploadProgress" ||
  event._tag === "UploadSucceeded" ||
  event._tag === "UploadFailed"

/**
 * How much an event log records: 0 = failures and dropped rows, 1 = also uploads started and
 * succeeded, profiles written, tokens refreshed and retried attempts, 2 = also every progress step.
 */
export type EventVerbosity = 0 | 1 | 2

/** The lowest verbosity at which `event` is recorded. */
export const verbosityOf = (event: SessionEvent): EventVerbosity => {
  switch (event._tag) {
    case "UploadFailed":
    case "WriteFailed":
      return event.willRetry ? 1 : 0
    case "RowsDropped":
      return 0
    case "UploadProgress":
      return 2
    default:
      return 1
  }
}
