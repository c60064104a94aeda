import type { RecordedExchange } from "../capture/DeferredExchange.js"
import type { ExchangeSlots } from "../capture/ExchangeSlots.js"

/**
 * A batch of recorded exchanges, in order: `sources[i]` is an exchange (`slots[i]` = -1) or the
 * `ExchangeSlots` holding slot `slots[i]`; `datasets[i]` the dataset from `record`'s options.
 */
export interface RecordedBatch {
  readonly sources: ReadonlyArray<RecordedExchange | ExchangeSlots>
  readonly slots: ReadonlyArray<number>
  readonly datasets: ReadonlyArray<string | undefined>
}

/** Hands a batch of exchanges on. Whoever takes it releases its slots. */
export type ExportExchanges = (batch: RecordedBatch) => void

/**
 * The exchanges a profiler has recorded and not yet mapped, handed on in batches — the shape of
 * OpenTelemetry's batch span processor: a bound, a window timer, an early hand-over once a batch is
 * full, a flush. Mapping waits up to `WINDOW_MS` (or until `BATCH` exchanges wait) because the
 * logger's cost per row falls with the batch size (in-thread, 52-column rows: about 23 µs a row one
 * by one, 16 in batches of 20, 9 in batches of 200); nothing waits for it, the responses are out.
 * Until `start` (while the session resolves) exchanges only wait, up to `MAX_WAITING`.
 * Parallel arrays, no object per exchange; a slot waiting here is held (`ExchangeSlots.hold`) until
 * it is mapped or discarded.
 */
export class ExchangeBatch {
  /** Exchanges that may wait before new ones are refused (counted `backlog-full`). */
  static readonly MAX_WAITING = 10_000
  static readonly WINDOW_MS = 25
  static readonly BATCH = 512

  #sources: Array<RecordedExchange | ExchangeSlots> = []
  #slots: Array<number> = []
  #datasets: Array<string | undefined> = []
  #export: ExportExchanges | undefined
  #timer: NodeJS.Timeout | undefined
  #immediate: NodeJS.Immediate | undefined

  /** Exchanges waiting. */
  get waiting(): number {
    return this.#sources.length
  }

  /** Adds an exchange; false (nothing kept) when `MAX_WAITING` already wait. */
  add(exchange: RecordedExchange, datasetId: string | undefined): boolean {
    return this.#add(exchange, -1, datasetId)
  }

  /** Adds slot `slot` of `source`, held until mapped; false (not held) when `MAX_WAITING` already wait. */
  addSlot(source: ExchangeSlots, slot: number, datasetId: string | undefined): boolean {
    if (!this.#add(source, slot, datasetId)) return false
    source.hold(slot)
    return true
  }

  #add(source: RecordedExchange | ExchangeSlots, slot: number, datasetId: string | undefined): boolean {
    if (this.#sources.length >= ExchangeBatch.MAX_WAITING) return false
    this.#sources.push(source)
    this.#slots.push(slot)
    this.#datasets.push(datasetId)
    if (this.#export !== undefined) this.#schedule()
    return true
  }

  /** Starts handing batches to `exportTo`, beginning with what waits. */
  start(exportTo: ExportExchanges): void {
    this.#export = exportTo
    if (this.#sources.length > 0) this.#schedule()
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
    if (exportTo === undefined || this.#sources.length === 0) return
    const batch = this.#take()
    exportTo(batch)
  }

  /**
   * Empties the batch without handing it over (profiling could not start), releasing its slots;
   * returns how many waited.
   */
  discard(): number {
    const batch = this.#take()
    releaseSlots(batch, 0)
    return batch.sources.length
  }

  #take(): RecordedBatch {
    const batch = { sources: this.#sources, slots: this.#slots, datasets: this.#datasets }
    this.#sources = []
    this.#slots = []
    this.#datasets = []
    return batch
  }

  /** Hands over after the window, or on the next turn once a batch is full. */
  #schedule(): void {
    if (this.#sources.length >= ExchangeBatch.BATCH) {
      this.#immediate ??= setImmediate(this.flush)
      return
    }
    // A referenced timer: a process ending on its own still maps what waits before `beforeExit`.
    this.#timer ??= setTimeout(this.flush, ExchangeBatch.WINDOW_MS)
  }
}

/** Releases the slots of `batch` from index `from` on (what a gathering did not get to). */
export const releaseSlots = (batch: RecordedBatch, from: number): void => {
  for (let i = from; i < batch.sources.length; i++) {
    const slot = batch.slots[i]!
    if (slot >= 0) (batch.sources[i] as ExchangeSlots).release(slot)
  }
}
