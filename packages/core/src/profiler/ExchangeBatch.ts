import type { RecordedExchange } from "../capture/DeferredExchange.js"

/** Hands a batch of exchanges on, each with its dataset (from `record`'s options), in order. */
export type ExportExchanges = (
  exchanges: ReadonlyArray<RecordedExchange>,
  datasets: ReadonlyArray<string | undefined>,
) => void

/**
 * The exchanges a profiler has recorded and not yet mapped, handed on in batches — the shape of
 * OpenTelemetry's batch span processor: a bound, a window timer, an early hand-over once a batch is
 * full, a flush. Mapping waits up to `WINDOW_MS` (or until `BATCH` exchanges wait) because the
 * logger's cost per row falls with the batch size (in-thread, 52-column rows: about 23 µs a row one
 * by one, 16 in batches of 20, 9 in batches of 200); nothing waits for it, the responses are out.
 * Until `start` (while the session resolves) exchanges only wait, up to `MAX_WAITING`.
 * Two parallel arrays, no object per exchange.
 */
export class ExchangeBatch {
  /** Exchanges that may wait before new ones are refused (counted `backlog-full`). */
  static readonly MAX_WAITING = 10_000
  static readonly WINDOW_MS = 25
  static readonly BATCH = 512

  #exchanges: Array<RecordedExchange> = []
  #datasets: Array<string | undefined> = []
  #export: ExportExchanges | undefined
  #timer: NodeJS.Timeout | undefined
  #immediate: NodeJS.Immediate | undefined

  /** Exchanges waiting. */
  get waiting(): number {
    return this.#exchanges.length
  }

  /** Adds an exchange; false (nothing kept) when `MAX_WAITING` already wait. */
  add(exchange: RecordedExchange, datasetId: string | undefined): boolean {
    if (this.#exchanges.length >= ExchangeBatch.MAX_WAITING) return false
    this.#exchanges.push(exchange)
    this.#datasets.push(datasetId)
    if (this.#export !== undefined) this.#schedule()
    return true
  }

  /** Starts handing batches to `exportTo`, beginning with what waits. */
  start(exportTo: ExportExchanges): void {
    this.#export = exportTo
    if (this.#exchanges.length > 0) this.#schedule()
  }

  /** Hands over what waits now (nothing before `start`). */
  readonly flush = (): void => {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    if (this.#immediate !== undefined) {
      clearImmediate(this.#immediate)
      this.#immediate = undefined
    }
    const exportTo = this.#export
    if (exportTo === undefined || this.#exchanges.length === 0) return
    const exchanges = this.#exchanges
    const datasets = this.#datasets
    this.#exchanges = []
    this.#datasets = []
    exportTo(exchanges, datasets)
  }

  /** Empties the batch without handing it over (profiling could not start); returns how many waited. */
  discard(): number {
    const waiting = this.#exchanges.length
    this.#exchanges = []
    this.#datasets = []
    return waiting
  }

  /** Hands over after the window, or on the next turn once a batch is full. */
  #schedule(): void {
    if (this.#exchanges.length >= ExchangeBatch.BATCH) {
      this.#immediate ??= setImmediate(this.flush)
      return
    }
    // A referenced timer: a process ending on its own still maps what waits before `beforeExit`.
    this.#timer ??= setTimeout(this.flush, ExchangeBatch.WINDOW_MS)
  }
}
