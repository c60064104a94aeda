import { Schema } from "effect"
import { LogRequest } from "./LogRequest.js"

/**
 * `embeddings`: column → its vectors, one per row (each a list of numbers). The rows themselves are
 * not checked here: the column's embedding metric counts a row that is not a usable vector (wrong
 * dimension, NaN, not numbers) as invalid, as whylogs does, instead of refusing the whole request.
 */
export const EmbeddingColumns = Schema.Record({ key: Schema.String, value: Schema.Array(Schema.Unknown) })

/**
 * The whylogs container's embeddings request, `{ datasetId, timestamp, embeddings: { col: number[][] } }`
 * (a missing or null timestamp means the time it was received). Decode JSON input with
 * `LogEmbeddings.decodeJson`. The logger takes it as the columnar log request `toLogRequest()` gives,
 * so embeddings batch with every other request of their dataset, bucket and columns.
 */
export class LogEmbeddings extends Schema.TaggedClass<LogEmbeddings>()("LogEmbeddings", {
  datasetId: Schema.String,
  timestamp: Schema.optional(Schema.NullOr(Schema.Number)),
  embeddings: EmbeddingColumns,
}) {
  /** The request as whylogs sends it (no `_tag`); decoding errors name the field that is wrong. */
  static readonly Json = Schema.Struct({
    datasetId: Schema.String,
    timestamp: Schema.optional(Schema.NullOr(Schema.Number)),
    embeddings: EmbeddingColumns,
  })

  /** Decodes a parsed JSON body into a `LogEmbeddings`. */
  static readonly decodeJson = (input: unknown) =>
    Schema.decodeUnknownEither(LogEmbeddings.Json)(input, { errors: "all" })

  /** Rows: the longest column (the whylogs container stacks each column's vectors the same way). */
  get rows(): number {
    let rows = 0
    for (const vectors of Object.values(this.embeddings)) if (vectors.length > rows) rows = vectors.length
    return rows
  }

  /**
   * The same data as a log request: one column per embedding column, one vector per cell; a column
   * shorter than the longest is padded with nulls (counted in its `counts/null`).
   */
  toLogRequest(): LogRequest {
    const columns = Object.keys(this.embeddings)
    const vectors = columns.map((column) => this.embeddings[column] as ReadonlyArray<unknown>)
    const rows = this.rows
    const data: Array<Array<unknown>> = new Array(rows)
    for (let i = 0; i < rows; i++) {
      const row: unknown[] = new Array(columns.length)
      for (let j = 0; j < columns.length; j++) row[j] = (vectors[j] as ReadonlyArray<unknown>)[i] ?? null
      data[i] = row
    }
    return new LogRequest(
      { datasetId: this.datasetId, timestamp: this.timestamp, multiple: { columns, data } },
      // Built from a decoded message: every field is already checked.
      true,
    )
  }
}
