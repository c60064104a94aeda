import { WriteFailed } from "../../session/SessionEvent.js"
import type { ProfileWrite, Writer } from "../Writer.js"
import type { WriterError } from "../WriterError.js"

/** The event of a failed attempt: the underlying error's tag and reason when there is one. */
export const writeFailed = (
  writer: Writer,
  write: ProfileWrite,
  error: WriterError,
  attempt: number,
  retryIn: number | undefined,
  kept: boolean,
): WriteFailed => {
  const cause = error.cause as { readonly _tag?: unknown; readonly reason?: unknown } | undefined
  const tag = typeof cause?._tag === "string" ? cause._tag : error._tag
  return new WriteFailed({
    writer: writer.name,
    datasetId: write.datasetId,
    datasetTimestamp: write.bucket.datasetTimestamp,
    error: tag,
    reason: tag === "StoreError" && typeof cause?.reason === "string" ? cause.reason : undefined,
    message: error.message,
    attempt,
    willRetry: retryIn !== undefined,
    retryInMillis: retryIn,
    kept,
  })
}
