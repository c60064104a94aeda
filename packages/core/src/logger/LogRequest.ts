import { Schema } from "effect"

/** Epoch milliseconds. */
const Timestamp = Schema.Number.annotations({ description: "epoch milliseconds (UTC)" })

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
