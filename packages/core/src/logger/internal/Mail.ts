import type { Deferred } from "effect"
import type { FlushResult } from "../FlushResult.js"
import type { Close, Flush, Log, LogBatch, LogRequest, Settle, Status } from "../LoggerMessage.js"
import type { BucketStatus, DropReason } from "../LoggerStatus.js"
import type { ColumnarRows } from "./worker/ColumnarRows.js"

/** When a `log` call resolves: at once, once its rows are tracked, or once they are written. */
export type SyncMode = "tracked" | "written"

/** A wake-up of one write schedule (internal: sent by the schedule's fiber to the actor). */
export interface ScheduledWrite {
  readonly _tag: "ScheduledWrite"
  readonly scheduleKey: string
  /** The boundary it fired for, epoch ms. */
  readonly at: number
}

/**
 * Rows packed by column (internal: what the caller's thread posts to the worker). Each row has its
 * dataset (`datasetIds`, else `datasetId`) and its timestamp.
 */
export interface PackedBatch {
  readonly _tag: "PackedBatch"
  readonly packed: ColumnarRows
  readonly datasetId?: string | undefined
  readonly datasetIds?: ReadonlyArray<string> | undefined
  readonly timestamps: ArrayLike<number>
}

/**
 * Rows gathered by column for one profile (internal: core's HTTP profiler maps exchanges straight
 * into these). Every row shares the dataset, the time (one second, so one bucket at any granularity)
 * and the segment: `segment` holds the values (as segments spell them) of the `segmentOn` columns the
 * producer filed them under. Each column holds the values of the rows that have it, in order.
 */
export interface ColumnRows {
  readonly _tag: "ColumnRows"
  readonly datasetId: string
  readonly timestamp: number
  readonly count: number
  readonly keys: ReadonlyArray<string>
  readonly columns: ReadonlyArray<ReadonlyArray<unknown>>
  readonly segmentOn: ReadonlyArray<string>
  readonly segment: ReadonlyArray<string>
}

/** The actor's own part of the status; the service adds the caller side and the writers. */
export interface ActorStatus {
  readonly profiled: number
  readonly droppedByReason: Readonly<Partial<Record<DropReason, number>>>
  readonly buckets: ReadonlyArray<BucketStatus>
}

/** What `Close` replies with: the last writes and the actor's final status. */
export interface CloseReply {
  readonly result: FlushResult
  readonly status: ActorStatus
}

/** What rows mails reply with: nothing, or why some rows were not profiled or written. */
export type RowsReply = Deferred.Deferred<void, unknown>

/** A message in the actor's mailbox, with what the sender waits on. */
export type Mail =
  | {
      readonly message: Log | LogBatch | LogRequest | PackedBatch | ColumnRows
      /** Row permits held for it, released once its rows are profiled. */
      readonly permits: number
      readonly sync: SyncMode | undefined
      readonly reply: RowsReply | undefined
    }
  | { readonly message: Flush; readonly reply: Deferred.Deferred<FlushResult, unknown> | undefined }
  | { readonly message: Status; readonly reply: Deferred.Deferred<ActorStatus> }
  | { readonly message: Settle; readonly reply: Deferred.Deferred<void> }
  | { readonly message: Close; readonly reply: Deferred.Deferred<CloseReply> }
  | { readonly message: ScheduledWrite; readonly reply: undefined }

/** Mails that carry rows. */
export type RowsMail = Extract<Mail, { readonly permits: number }>

/** Whether a mail carries rows. */
export const isRowsMail = (mail: Mail): mail is RowsMail =>
  mail.message._tag === "Log" ||
  mail.message._tag === "LogBatch" ||
  mail.message._tag === "LogRequest" ||
  mail.message._tag === "PackedBatch" ||
  mail.message._tag === "ColumnRows"

/** Messages (Flush, Status, …) the mailbox reserves room for beyond the row capacity. */
export const CONTROL_RESERVE = 1024
