import { causeText } from "../../../internal/causeText.js"
import { DatasetProfileView } from "../../../profile/DatasetProfileView.js"
import { ProfileSegment } from "../../../profile/Segment.js"
import { TimeBucket } from "../../../profile/TimeBucket.js"
import type { JobOutcome } from "../../../writers/WriteOutcome.js"
import type { ProfileWrite } from "../../../writers/Writer.js"
import { LoggerClosedError, RowsDroppedError, WriteFailedError } from "../../LoggerError.js"
import type { PlainError, PlainOutcome, PlainWrite } from "./protocol.js"

/**
 * What crosses between the threads in plain form, and back: write outcomes, profiles, typed errors.
 */

/** A write's outcome for the worker (the error reduced to its message). */
export const plainOutcome = (outcome: JobOutcome): PlainOutcome =>
  outcome._tag === "Stored"
    ? { _tag: "Stored", writer: outcome.writer }
    : { _tag: outcome._tag, writer: outcome.writer, error: { message: outcome.error.message } }

/** A profile for main's writers; its bytes are transferred (`buffer`), not copied. */
export const plainWrite = (
  write: ProfileWrite,
): { readonly plain: PlainWrite; readonly buffer: ArrayBuffer } => {
  const bytes = write.bytes
  const own =
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
      ? bytes
      : bytes.slice()
  return {
    plain: {
      datasetId: write.datasetId,
      bucketStart: write.bucket.start,
      granularity: write.bucket.granularity,
      segment:
        write.segment === undefined
          ? null
          : { columns: [...write.segment.columns], values: [...write.segment.values] },
      bytes: own,
      rows: write.rows,
    },
    buffer: own.buffer as ArrayBuffer,
  }
}

/** A profile from the worker; its view is read from the bytes only when a writer asks for it. */
export const profileWrite = (plain: PlainWrite): ProfileWrite => {
  let view: DatasetProfileView | undefined
  return {
    datasetId: plain.datasetId,
    bucket: new TimeBucket(plain.bucketStart, plain.granularity),
    segment:
      plain.segment === null ? undefined : new ProfileSegment(plain.segment.columns, plain.segment.values),
    bytes: plain.bytes,
    rows: plain.rows,
    get view() {
      view ??= DatasetProfileView.deserialize(plain.bytes)
      return view
    },
  }
}

/** A call's failure as plain data: the logger's typed errors with their fields, anything else as text. */
export const plainError = (error: unknown): PlainError => {
  if (error instanceof RowsDroppedError)
    return { _tag: "RowsDroppedError", datasetId: error.datasetId, reason: error.reason, count: error.count }
  if (error instanceof WriteFailedError) return { _tag: "WriteFailedError", failures: error.failures }
  if (error instanceof LoggerClosedError) return { _tag: "LoggerClosedError" }
  return { _tag: "Error", message: causeText(error) }
}

/** A typed error back from its plain form. */
export const typedError = (error: PlainError): unknown => {
  switch (error._tag) {
    case "RowsDroppedError":
      return new RowsDroppedError({ datasetId: error.datasetId, reason: error.reason, count: error.count })
    case "WriteFailedError":
      return new WriteFailedError({ failures: error.failures })
    case "LoggerClosedError":
      return new LoggerClosedError()
    case "Error":
      return new Error(error.message || "the logger's worker failed")
  }
}
