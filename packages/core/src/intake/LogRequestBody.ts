import { Either, Schema } from "effect"
import { LogRequest, LogRequestData } from "../logger/LogRequest.js"
import { IntakeDecodeError } from "./IntakeError.js"
import { DatasetId, isDatasetId, isObject, isTimestamp, Timestamp } from "./internal/fields.js"
import { issuesOf } from "./internal/issues.js"

/**
 * The whylogs log request as an intake takes it: `{ datasetId, timestamp?, multiple: { columns, data } }`,
 * with a non-empty dataset id and a timestamp in epoch milliseconds between 1970 and 275760 (null or
 * absent: the time it is queued). The whylogs Python container's name for `multiple`, `data`, is
 * accepted too.
 */
export const LogRequestBody = Schema.Struct({
  datasetId: DatasetId,
  timestamp: Schema.optional(Schema.NullOr(Timestamp)),
  multiple: LogRequestData,
  orgId: Schema.optional(Schema.NullOr(Schema.String)),
})

/** The fields of a decoded request, without undefined ones (exact optional properties). */
const logRequestOf = (fields: {
  readonly datasetId: string
  readonly timestamp?: number | null | undefined
  readonly multiple: {
    readonly columns: ReadonlyArray<string>
    readonly data: ReadonlyArray<ReadonlyArray<unknown>>
  }
  readonly orgId?: string | null | undefined
}): LogRequest =>
  new LogRequest(
    {
      datasetId: fields.datasetId,
      multiple: { columns: fields.multiple.columns, data: fields.multiple.data },
      ...(fields.timestamp === undefined ? {} : { timestamp: fields.timestamp }),
      ...(fields.orgId === undefined ? {} : { orgId: fields.orgId }),
    },
    // Checked by the caller (the fast check or the Schema).
    true,
  )

/**
 * The common case checked in one tight pass (about 1 µs per 100 cells, against 1–2 µs per cell for
 * the Schema walk): everything it accepts, the Schema accepts too; anything else goes to the Schema,
 * which decides and names what is wrong.
 */
const fastDecode = (input: Record<string, unknown>, multiple: unknown): LogRequest | undefined => {
  const { datasetId, timestamp, orgId } = input
  if (!isDatasetId(datasetId) || !isTimestamp(timestamp)) return undefined
  if (orgId !== undefined && orgId !== null && typeof orgId !== "string") return undefined
  if (!isObject(multiple)) return undefined
  const { columns, data } = multiple
  if (!Array.isArray(columns) || !Array.isArray(data)) return undefined
  for (const column of columns) if (typeof column !== "string") return undefined
  const width = columns.length
  for (const row of data) if (!Array.isArray(row) || row.length !== width) return undefined
  return logRequestOf({
    datasetId,
    timestamp,
    multiple: { columns: columns as string[], data: data as unknown[][] },
    orgId: orgId as string | null | undefined,
  })
}

/**
 * Decodes a parsed JSON body into a `LogRequest`; on failure the issues name each wrong field
 * (`multiple.data[3]: data[3] has 2 values for 3 columns`), after `prefix` (`message.data` when the
 * request came inside a Pub/Sub push).
 */
export const decodeLogRequestBody = (
  input: unknown,
  prefix = "",
): Either.Either<LogRequest, IntakeDecodeError> => {
  // The Python container's clients send `data`; its paths are reported under that name.
  const renamed = isObject(input) && !Object.hasOwn(input, "multiple") && Object.hasOwn(input, "data")
  if (isObject(input)) {
    const fast = fastDecode(input, renamed ? input.data : input.multiple)
    if (fast !== undefined) return Either.right(fast)
  }
  const candidate = renamed
    ? { ...(input as Record<string, unknown>), multiple: (input as Record<string, unknown>).data }
    : input
  const decoded = Schema.decodeUnknownEither(LogRequestBody)(candidate, { errors: "all" })
  if (Either.isRight(decoded)) return Either.right(logRequestOf(decoded.right))
  const rename = renamed ? (key: PropertyKey) => (key === "multiple" ? "data" : key) : undefined
  return Either.left(new IntakeDecodeError({ issues: issuesOf(decoded.left, prefix, rename) }))
}
