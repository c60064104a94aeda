import { Either, Schema } from "effect"
import { EmbeddingColumns, LogEmbeddings } from "../logger/LogEmbeddings.js"
import { IntakeDecodeError } from "./IntakeError.js"
import { DatasetId, isDatasetId, isObject, isTimestamp, Timestamp } from "./internal/fields.js"
import { issuesOf } from "./internal/issues.js"

/**
 * The whylogs container's embeddings request as an intake takes it: `{ datasetId, timestamp?,
 * embeddings: { column: [vector, …] } }`, with the same dataset id and timestamp rules as a log
 * request. The vectors themselves are judged by the column's embedding metric (wrong dimension, NaN,
 * not numbers: counted as invalid rows), not refused here.
 */
export const LogEmbeddingsBody = Schema.Struct({
  datasetId: DatasetId,
  timestamp: Schema.optional(Schema.NullOr(Timestamp)),
  embeddings: EmbeddingColumns,
})

const logEmbeddingsOf = (fields: {
  readonly datasetId: string
  readonly timestamp?: number | null | undefined
  readonly embeddings: Readonly<Record<string, ReadonlyArray<unknown>>>
}): LogEmbeddings =>
  new LogEmbeddings(
    {
      datasetId: fields.datasetId,
      embeddings: fields.embeddings,
      ...(fields.timestamp === undefined ? {} : { timestamp: fields.timestamp }),
    },
    true,
  )

/** The common case in one pass; anything else goes to the Schema (see `decodeLogRequestBody`). */
const fastDecode = (input: Record<string, unknown>): LogEmbeddings | undefined => {
  const { datasetId, timestamp, embeddings } = input
  if (!isDatasetId(datasetId) || !isTimestamp(timestamp) || !isObject(embeddings)) return undefined
  for (const key of Object.keys(embeddings)) if (!Array.isArray(embeddings[key])) return undefined
  return logEmbeddingsOf({
    datasetId,
    timestamp,
    embeddings: embeddings as Record<string, ReadonlyArray<unknown>>,
  })
}

/** Decodes a parsed JSON body into `LogEmbeddings`; the issues name each wrong field after `prefix`. */
export const decodeLogEmbeddingsBody = (
  input: unknown,
  prefix = "",
): Either.Either<LogEmbeddings, IntakeDecodeError> => {
  if (isObject(input)) {
    const fast = fastDecode(input)
    if (fast !== undefined) return Either.right(fast)
  }
  const decoded = Schema.decodeUnknownEither(LogEmbeddingsBody)(input, { errors: "all" })
  if (Either.isRight(decoded)) return Either.right(logEmbeddingsOf(decoded.right))
  return Either.left(new IntakeDecodeError({ issues: issuesOf(decoded.left, prefix) }))
}
