import type { HttpSkipReason } from "../http/HttpRow.js"
import { LoggerClosedError } from "../logger/LoggerError.js"
import type { HttpProfilerDropReason, HttpProfilerStatus } from "./HttpProfilerStatus.js"

/**
 * What a profiler counts of the exchanges it sees, so that `admitted = recorded` and
 * `recorded = profiled + skipped + dropped + waiting` hold at every status. Plain fields: the
 * request path only increments numbers.
 */
export class ProfilerCounters {
  /** Requests `admit()` let through. */
  admitted = 0
  /** Requests `admit()` refused (`sampleRate`). */
  sampledOut = 0
  /** Exchanges handed to `record()` (and `exclude()`). */
  recorded = 0
  /** Exchanges mapped and given to the logger. */
  profiled = 0
  /** Rows the application logged itself. */
  manualRows = 0
  readonly skipped: Partial<Record<HttpSkipReason, number>> = {}
  readonly dropped: Partial<Record<HttpProfilerDropReason, number>> = {}

  skip(reason: HttpSkipReason): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1
  }

  drop(reason: HttpProfilerDropReason, count = 1): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + count
  }

  /**
   * `rows` handed to the logger were refused after all: no longer profiled, dropped as `closed`
   * (the logger was closing) or `logger-refused`. Returns the reason.
   */
  refused(cause: unknown, rows: number): HttpProfilerDropReason {
    this.profiled -= rows
    const reason = cause instanceof LoggerClosedError ? "closed" : "logger-refused"
    this.drop(reason, rows)
    return reason
  }

  /** The exchange counts of a status, `waiting` being the exchanges not yet mapped. */
  exchanges(waiting: number): HttpProfilerStatus["exchanges"] {
    return {
      admitted: this.admitted,
      sampledOut: this.sampledOut,
      recorded: this.recorded,
      profiled: this.profiled,
      skipped: { ...this.skipped },
      dropped: { ...this.dropped },
      waiting,
    }
  }
}
