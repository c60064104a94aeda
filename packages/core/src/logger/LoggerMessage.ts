import { Schema } from "effect"

/** A row as the logger takes it: column name → any value (see the profile's type table). */
const RowSchema = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** Epoch milliseconds. */
const Timestamp = Schema.Number.annotations({ description: "epoch milliseconds (UTC)" })

/** One row for a dataset at a time (epoch ms). Without a dataset the logger's default dataset is used. */
export class Log extends Schema.TaggedClass<Log>()("Log", {
  row: RowSchema,
  datasetId: Schema.optional(Schema.String),
  timestamp: Schema.optional(Timestamp),
}) {}

/**
 * Rows for a dataset at a time. `datasetIds` and `timestamps`, when present, give each row its own
 * (same length as `rows`): the caller-side batcher packs rows from many `log()` calls that way.
 */
export class LogBatch extends Schema.TaggedClass<LogBatch>()("LogBatch", {
  rows: Schema.Array(RowSchema),
  datasetId: Schema.optional(Schema.String),
  timestamp: Schema.optional(Timestamp),
  datasetIds: Schema.optional(Schema.Array(Schema.String)),
  timestamps: Schema.optional(Schema.Array(Timestamp)),
}) {}

/** A cell of a whylogs log request. */
const Cell = Schema.Unknown

/** `multiple`: column names and rows of values in that column order (pandas' `to_dict("split")`). */
export const LogRequestData = Schema.Struct({
  columns: Schema.Array(Schema.String),
  data: Schema.Array(Schema.Array(Cell)),
}).pipe(
  Schema.filter((multiple) => {
    const width = multiple.columns.length
    const bad = multiple.data.findIndex((row) => row.length !== width)
    return bad === -1 ? true : `data[${bad}] has ${multiple.data[bad]?.length} values for ${width} columns`
  }),
)

/**
 * The whylogs container's log request, as it arrives over HTTP:
 * `{ datasetId, timestamp, multiple: { columns, data } }` (a missing or null timestamp means the time
 * it was received). Decode JSON input with `LogRequest.decodeJson`.
 */
export class LogRequest extends Schema.TaggedClass<LogRequest>()("LogRequest", {
  datasetId: Schema.String,
  timestamp: Schema.optional(Schema.NullOr(Timestamp)),
  multiple: LogRequestData,
  orgId: Schema.optional(Schema.NullOr(Schema.String)),
}) {
  /** The request as whylogs sends it (no `_tag`); decoding errors name the field that is wrong. */
  static readonly Json = Schema.Struct({
    datasetId: Schema.String,
    timestamp: Schema.optional(Schema.NullOr(Timestamp)),
    multiple: LogRequestData,
    orgId: Schema.optional(Schema.NullOr(Schema.String)),
  })

  /** Decodes a parsed JSON body into a `LogRequest`. */
  static readonly decodeJson = (input: unknown) =>
    Schema.decodeUnknownEither(LogRequest.Json)(input, { errors: "all" })
}

/** Write every bucket now (ended buckets are released, current ones kept) and replay the outbox. */
export class Flush extends Schema.TaggedClass<Flush>()("Flush", {}) {}

/** Report the logger's state. */
export class Status extends Schema.TaggedClass<Status>()("Status", {}) {}

/** Wait until everything sent before it is profiled and every write begun before it has ended; writes nothing. */
export class Settle extends Schema.TaggedClass<Settle>()("Settle", {}) {}

/** Stop: profile what is queued, write and release every bucket, wait for the writers. */
export class Close extends Schema.TaggedClass<Close>()("Close", {}) {}

/** Every message the rolling logger's actor understands. */
export const LoggerMessage = Schema.Union(Log, LogBatch, LogRequest, Flush, Status, Settle, Close)

/** A message of the rolling logger's actor. */
export type LoggerMessage = typeof LoggerMessage.Type
