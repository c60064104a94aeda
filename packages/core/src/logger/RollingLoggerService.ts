import type { Effect } from "effect"
import type { Row } from "../profile/DatasetProfile.js"
import type { FlushResult } from "./FlushResult.js"
import type { LoggerClosedError, RowsDroppedError, WriteFailedError } from "./LoggerError.js"
import type { LoggerStatus } from "./LoggerStatus.js"
import type { LogRequest } from "./LogRequest.js"

/** Options of one `log` call. */
export interface LogOptions {
  /** The dataset (default: the logger's `datasetId`, else the session's default dataset). */
  readonly datasetId?: string | undefined
  /** When the rows happened, epoch ms or a Date (default: now, from the Effect `Clock`). 0 is 1970-01-01, not "now". */
  readonly timestamp?: number | Date | undefined
  /**
   * `true` / `"tracked"`: resolve once the rows are in a profile, reject with `RowsDroppedError`
   * when some were not profiled. `"written"`: also write the profiles holding them now and resolve
   * once every writer stored them, reject with `WriteFailedError` when one did not. For tests and
   * debugging: each sync call is its own message, so it costs far more than a plain `log`.
   */
  readonly sync?: boolean | "tracked" | "written" | undefined
}

/** A whylogs log request as it arrives (no `_tag`), or the decoded `LogRequest`. */
export type LogRequestInput = LogRequest | Omit<LogRequest, "_tag">

/** Why a `log` call failed: only sync calls fail for other reasons than a closed logger. */
export type LogError = LoggerClosedError | RowsDroppedError | WriteFailedError

/**
 * The rolling logger as an Effect service (`RollingLogger`). Rows go into a bounded queue drained by
 * one actor fiber that profiles them by dataset × time bucket × segment and writes the profiles on
 * the schedule, on `flush` and on `close`.
 */
export interface RollingLoggerService {
  /**
   * Queues a row or rows. Block mode: waits for room in the queue. Drop mode: rows that do not fit
   * are dropped, counted and reported (`RowsDropped`). Fails with `LoggerClosedError` once `close`
   * has begun; with `sync`, see `LogOptions.sync`.
   */
  readonly log: (data: Row | ReadonlyArray<Row>, options?: LogOptions) => Effect.Effect<void, LogError>
  /** Queues a whylogs log request `{ datasetId, timestamp, multiple: { columns, data } }`. */
  readonly logRequest: (
    request: LogRequestInput,
    options?: Pick<LogOptions, "sync">,
  ) => Effect.Effect<void, LogError>
  /** Writes every bucket now (ended ones are released, current ones stay open) and replays the outbox. */
  readonly flush: Effect.Effect<FlushResult, LoggerClosedError>
  /** Queue depth, buckets, rows received / accepted / profiled / dropped by reason, writes, writers, outbox. */
  readonly status: Effect.Effect<LoggerStatus>
  /** Waits until everything logged before is profiled and every write begun before has ended; writes nothing. */
  readonly settle: Effect.Effect<void, LoggerClosedError>
  /**
   * Stops intake (later `log` calls fail with `LoggerClosedError`), profiles what is queued, writes
   * and releases every bucket, replays the outbox, waits for the writers (up to `closeTimeout`, then
   * the rest go to the outbox) and stops the schedule. Idempotent: later calls wait for the first.
   */
  readonly close: Effect.Effect<FlushResult>
}
