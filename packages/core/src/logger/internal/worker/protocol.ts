import type { TimeGranularity } from "../../../profile/TimeBucket.js"
import type { ColumnarRows } from "../../ColumnarRows.js"
import type { FlushResult, WriteFailure } from "../../FlushResult.js"
import type { DropReason } from "../../LoggerStatus.js"
import type { SettledWrite } from "../ActorSink.js"
import type { DatasetConfig } from "../DatasetConfig.js"
import type { ActorStatus, CloseReply, RequestRows, SyncMode } from "../Mail.js"

/**
 * Messages between the caller's thread ("main") and the logger's worker thread, as discriminated
 * unions: every message is plain data for the structured clone (profile bytes travel as transferred
 * buffers), and each side narrows on `t` (and an answer on `op`) without casts.
 */

/** How the worker's actor is set up. */
export interface WorkerInit {
  readonly t: "init"
  readonly base: DatasetConfig
  readonly defaultDatasetId: string | undefined
  readonly batchSize: number
  readonly batchWindowMillis: number
  readonly closeTimeoutMillis: number
  readonly queueCapacity: number
}

/** Rows as they cross: by column (row objects are packed first), or a log request's fields. */
export type WorkerRows = ColumnarRows | RequestRows

/** The calls main makes of the worker's actor. */
export type CallOp = "Flush" | "Status" | "Settle" | "Close"

/** How one write ended, as plain data (the `WriterError` reduced to its message). */
export type PlainOutcome = SettledWrite

/** A profile the worker hands to main's writers. */
export interface PlainWrite {
  readonly datasetId: string
  readonly bucketStart: number
  readonly granularity: TimeGranularity
  readonly segment: { readonly columns: ReadonlyArray<string>; readonly values: ReadonlyArray<string> } | null
  readonly bytes: Uint8Array
  readonly rows: number
}

/** A typed failure of a call, as plain data. */
export type PlainError =
  | {
      readonly _tag: "RowsDroppedError"
      readonly datasetId: string
      readonly reason: string
      readonly count: number
    }
  | { readonly _tag: "WriteFailedError"; readonly failures: ReadonlyArray<WriteFailure> }
  | { readonly _tag: "LoggerClosedError" }
  | { readonly _tag: "Error"; readonly message: string }

/** What a call is answered with: its result by kind, or its failure. */
export type Answer =
  | { readonly op: "Rows" }
  | { readonly op: "Flush"; readonly result: FlushResult }
  | { readonly op: "Status"; readonly status: ActorStatus }
  | { readonly op: "Settle" }
  | { readonly op: "Close"; readonly reply: CloseReply }
  | { readonly op: "Failed"; readonly error: PlainError }

/** Main → worker. */
export type ToWorker =
  | WorkerInit
  | { readonly t: "config"; readonly datasetId: string; readonly config: DatasetConfig }
  | {
      readonly t: "rows"
      readonly rows: WorkerRows
      readonly permits: number
      /** Set for a sync call: the worker answers `Rows` (or `Failed`) under this id. */
      readonly call: { readonly id: number; readonly sync: SyncMode } | undefined
    }
  | { readonly t: "call"; readonly id: number; readonly op: CallOp }
  | { readonly t: "settled"; readonly id: number; readonly outcomes: ReadonlyArray<PlainOutcome> }

/** Worker → main. */
export type FromWorker =
  | { readonly t: "ready" }
  | { readonly t: "release"; readonly permits: number }
  /** The actor's status, after drains (at most every 50 ms) and before every answer to a call. */
  | { readonly t: "snapshot"; readonly status: ActorStatus }
  | { readonly t: "dropped"; readonly datasetId: string; readonly reason: DropReason; readonly count: number }
  | { readonly t: "write"; readonly id: number; readonly writes: ReadonlyArray<PlainWrite> }
  | {
      readonly t: "sink"
      readonly id: number
      readonly op: "replay" | "settle" | "drain"
      readonly timeoutMillis: number
    }
  | { readonly t: "answer"; readonly id: number; readonly answer: Answer }
