import type { Deferred } from "effect"
import type { ColumnarRows } from "../ColumnarRows.js"
import type { FlushResult } from "../FlushResult.js"
import type { BucketStatus, DropReason } from "../LoggerStatus.js"
import type { LogRequest } from "../LogRequest.js"

/** When a `log` call resolves: at once, once its rows are tracked, or once they are written. */
export type SyncMode = "tracked" | "written"

/**
 * Row objects from `log()` calls (the Promise face gathers many calls into one). Each row has its
 * dataset (`datasetIds`, else `datasetId`; "" when none was named) and its time (`timestamps`,
 * else `timestamp`).
 */
export interface RowBatch {
  readonly _tag: "RowBatch"
  readonly rows: ReadonlyArray<unknown>
  readonly datasetId: string
  readonly datasetIds?: ReadonlyArray<string> | undefined
  readonly timestamp: number
  readonly timestamps?: ReadonlyArray<number> | undefined
}

/**
 * A whylogs log request's rows: column names and rows of values in that order, one dataset and time
 * (a `LogRequest`, or its fields after the trip to the worker thread).
 */
export interface RequestRows {
  readonly _tag: "LogRequest"
  readonly datasetId: string
  readonly timestamp?: number | null | undefined
  readonly multiple: LogRequest["multiple"]
}

/** Rows as the actor takes them. */
export type Rows = RowBatch | ColumnarRows | RequestRows

/** Rows for the actor, with the permits they hold and what their sender waits on. */
export interface RowsMail {
  readonly _tag: "Rows"
  readonly rows: Rows
  /** Row permits held for them, released once their rows are profiled (or dropped). */
  readonly permits: number
  readonly sync: SyncMode | undefined
  /** Set for a `sync` call: fails with why some rows were not profiled or written. */
  readonly reply: Deferred.Deferred<void, unknown> | undefined
}

/** Write every bucket now (ended buckets are released, current ones kept) and replay the outbox. */
export interface FlushMail {
  readonly _tag: "Flush"
  readonly reply: Deferred.Deferred<FlushResult, unknown> | undefined
}

/** Report the actor's part of the status. */
export interface StatusMail {
  readonly _tag: "Status"
  readonly reply: Deferred.Deferred<ActorStatus, unknown>
}

/** Wait until everything sent before is profiled and every write begun before has ended. */
export interface SettleMail {
  readonly _tag: "Settle"
  readonly reply: Deferred.Deferred<void, unknown>
}

/** Stop: profile what is queued, write and release every bucket, wait for the writers. */
export interface CloseMail {
  readonly _tag: "Close"
  readonly reply: Deferred.Deferred<CloseReply, unknown>
}

/** A wake-up of one write schedule (sent by the schedule's fiber to the actor). */
export interface ScheduledWrite {
  readonly _tag: "ScheduledWrite"
  readonly scheduleKey: string
  /** The boundary it fired for, epoch ms. */
  readonly at: number
}

/**
 * The early first write of one dataset (`firstWrite`), sent once by a fiber started at its first
 * row; later writes follow the schedule.
 */
export interface FirstWrite {
  readonly _tag: "FirstWrite"
  readonly datasetId: string
}

/** A message in the actor's mailbox. */
export type Mail = RowsMail | FlushMail | StatusMail | SettleMail | CloseMail | ScheduledWrite | FirstWrite

/** The mails that are not rows: answered in order, between rows. */
export type ControlMail = Exclude<Mail, RowsMail>

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

/** Messages (Flush, Status, …) the mailbox reserves room for beyond the row capacity. */
export const CONTROL_RESERVE = 1024

/** How many rows `rows` holds. */
export const rowCount = (rows: Rows): number => {
  switch (rows._tag) {
    case "RowBatch":
      return rows.rows.length
    case "ColumnarRows":
      return rows.count
    case "LogRequest":
      return rows.multiple.data.length
  }
}

/** The dataset of `rows` (of their first row when they go to several); "" when none was named. */
export const datasetOfRows = (rows: Rows): string =>
  rows._tag === "LogRequest" ? rows.datasetId : (rows.datasetIds?.[0] ?? rows.datasetId)
