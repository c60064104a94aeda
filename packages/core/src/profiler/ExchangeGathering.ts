import { isDeferredExchange, type RecordedExchange } from "../capture/DeferredExchange.js"
import type { ExchangeSlots } from "../capture/ExchangeSlots.js"
import type { HttpExchange } from "../http/HttpExchange.js"
import type { HttpRowSkipped } from "../http/HttpRow.js"
import type { HttpRowMapper } from "../http/HttpRowMapper.js"
import { causeText } from "../internal/causeText.js"
import type { RollingLoggerHandle } from "../logger/RollingLoggerHandle.js"
import type { RecordedBatch } from "./ExchangeBatch.js"
import type { FailureReport } from "./FailureReport.js"
import { HttpProfilerError } from "./HttpProfilerError.js"
import type { ProfilerCounters } from "./ProfilerCounters.js"

/** What a gathering tells its profiler about. */
export interface GatheringNotes {
  readonly counters: ProfilerCounters
  readonly failures: FailureReport
}

/**
 * Maps a batch of recorded exchanges and hands the result to the logger, off the response path.
 * The two ways (by column, `ColumnGathering`; by row, `RowGathering`) share what is said here: how an
 * exchange is built, how a skipped one is counted, how rows the logger refuses are counted.
 */
export abstract class ExchangeGathering<Mapper extends HttpRowMapper> {
  protected readonly mapper: Mapper
  protected readonly logger: RollingLoggerHandle
  /** The dataset of exchanges nothing else places. */
  protected readonly defaultDatasetId: string
  protected readonly notes: GatheringNotes

  constructor(mapper: Mapper, logger: RollingLoggerHandle, defaultDatasetId: string, notes: GatheringNotes) {
    this.mapper = mapper
    this.logger = logger
    this.defaultDatasetId = defaultDatasetId
    this.notes = notes
  }

  /**
   * Maps the batch's exchanges (each to `datasets[i]` when set) and hands them to the logger,
   * releasing each slot once its exchange is mapped.
   */
  abstract gather(batch: RecordedBatch): void

  /**
   * The exchange of the batch's `i`th recording, or `undefined` (counted skipped) when building it
   * threw. Call `releaseAt(batch, i)` once it is mapped. With `reuse`, a slot's exchange may be one
   * object reused for the next (see `ExchangeSlots.exchangeAt`): only when mapping keeps nothing of it.
   */
  protected exchangeAt(batch: RecordedBatch, i: number, reuse = false): HttpExchange | undefined {
    const source = batch.sources[i]!
    const slot = batch.slots[i]!
    try {
      if (slot >= 0) return (source as ExchangeSlots).exchangeAt(slot, reuse)
      const recorded = source as RecordedExchange
      return isDeferredExchange(recorded) ? recorded.toExchange() : recorded
    } catch {
      this.notes.counters.skip("unreadable-exchange")
      return undefined
    }
  }

  /** Lets go of the batch's `i`th recording: its slot (if any) may be reused. */
  protected releaseAt(batch: RecordedBatch, i: number): void {
    const slot = batch.slots[i]!
    if (slot >= 0) (batch.sources[i] as ExchangeSlots).release(slot)
  }

  /** Counts a skipped exchange; a failing callback is also reported. */
  protected skipped(result: HttpRowSkipped): void {
    this.notes.counters.skip(result.reason)
    if (result.reason !== "callback-failed") return
    this.notes.failures.report(
      "callback",
      new HttpProfilerError({
        reason: `a profiling callback failed: ${causeText(result.cause)}`,
        cause: result.cause,
      }),
    )
  }

  /**
   * Counts `rows` as profiled and runs `give`, which hands them to the logger (a promise only when
   * a block-mode queue is full): rows it refuses, now or later, are counted dropped instead.
   */
  protected handOver(rows: number, give: () => Promise<void> | undefined): void {
    this.notes.counters.profiled += rows
    const refused = (cause: unknown) => {
      if (this.notes.counters.refused(cause, rows) === "logger-refused") {
        this.notes.failures.lastError = `the logger refused rows: ${causeText(cause)}`
      }
    }
    try {
      give()?.catch(refused)
    } catch (cause) {
      refused(cause)
    }
  }
}
