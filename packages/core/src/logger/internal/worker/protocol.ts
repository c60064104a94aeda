import type { TimeGranularity } from "../../../profile/TimeBucket.js"
import type { DropReason } from "../../LoggerStatus.js"
import type { DatasetConfig } from "../DatasetConfig.js"
import type { ActorStatus } from "../Mail.js"

/**
 * Messages between the caller's thread ("main") and the logger's worker thread. Everything is plain
 * data for the structured clone; profile bytes travel as transferred buffers.
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

/** A row message as plain data (`LogBatch` or `LogRequest` fields with their `_tag`). */
export type PlainRows = {
  readonly _tag: "LogBatch" | "LogRequest" | "PackedBatch" | "ColumnRows"
} & Record<string, unknown>

/** How one write ended, as plain data (the `WriterError` reduced to its message). */
export interface PlainOutcome {
  readonly _tag: "Stored" | "Outboxed" | "Kept" | "Lost"
  readonly writer: string
  readonly destination?: string | undefined
  readonly error?: { readonly message: string } | undefined
}

/** A profile the worker hands to main's writers. */
export interface PlainWrite {
  readonly datasetId: string
  readonly bucketStart: number
  readonly granularity: TimeGranularity
  readonly segment: { readonly columns: ReadonlyArray<string>; readonly values: ReadonlyArray<string> } | null
  readonly bytes: Uint8Array
  readonly rows: number
}

/** Main → worker. */
export type ToWorker =
  | WorkerInit
  | { readonly t: "config"; readonly datasetId: string; readonly config: DatasetConfig }
  | {
      readonly t: "rows"
      readonly message: PlainRows
      readonly permits: number
      /** Set for a sync call: the worker answers with a `reply` of this id. */
      readonly id?: number | undefined
      readonly sync?: "tracked" | "written" | undefined
    }
  | { readonly t: "call"; readonly id: number; readonly message: "Flush" | "Status" | "Settle" | "Close" }
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
      readonly timeoutMillis?: number
    }
  | {
      readonly t: "reply"
      readonly id: number
      readonly ok: boolean
      readonly value?: unknown
      /** A typed error as plain data (`_tag` and its fields). */
      readonly error?: Record<string, unknown> | undefined
    }
