import type { HttpSkipReason } from "../http/HttpRow.js"
import type { LoggerStatus } from "../logger/LoggerStatus.js"
import type { SessionKind } from "../session/SessionError.js"

/** The life of a profiler. */
export type HttpProfilerState =
  /** Resolving the session and starting the logger; exchanges wait (bounded). */
  | "starting"
  | "running"
  /** The session or the logger could not start: exchanges are dropped and counted, requests go on. */
  | "failed"
  | "closing"
  | "closed"

/**
 * Why an exchange never reached the logger (besides `HttpSkipReason`s):
 * - `not-running`: profiling failed to start;
 * - `closed`: recorded after `close()`;
 * - `backlog-full`: more exchanges waited for the logger than the backlog holds (10,000);
 * - `logger-refused`: the logger rejected the row (it was closing).
 */
export type HttpProfilerDropReason = "not-running" | "closed" | "backlog-full" | "logger-refused"

/** A snapshot of a profiler; never holds a secret. */
export interface HttpProfilerStatus {
  readonly state: HttpProfilerState
  /** The session's kind, once resolved. */
  readonly session: SessionKind | undefined
  /** The dataset of exchanges the `datasetId` option does not place, once known. */
  readonly datasetId: string | undefined
  /** Segment columns of the HTTP dataset (`[]`: unsegmented). */
  readonly segmentOn: ReadonlyArray<string>
  /** Where profiles are written (local sessions), or undefined when they are uploaded. */
  readonly profileDir: string | undefined
  readonly exchanges: {
    /** Requests `admit()` let through. */
    readonly admitted: number
    /** Requests `admit()` refused (`sampleRate`). */
    readonly sampledOut: number
    /** Exchanges handed to `record()`. */
    readonly recorded: number
    /** Exchanges turned into rows and given to the logger. */
    readonly profiled: number
    /** Exchanges the mapping skipped, by reason (`ignored`, `callback-failed`, …). */
    readonly skipped: Readonly<Partial<Record<HttpSkipReason, number>>>
    /** Exchanges lost before the logger, by reason. */
    readonly dropped: Readonly<Partial<Record<HttpProfilerDropReason, number>>>
    /** Exchanges waiting to be mapped (mapping runs once per event-loop turn). */
    readonly waiting: number
  }
  /** Rows given to `log()` by the application (`req.sketchlog.log`). */
  readonly manualRows: number
  /** The logger's own status, once it runs. */
  readonly logger: LoggerStatus | undefined
  /** The last failure, in words. */
  readonly lastError: string | undefined
}
