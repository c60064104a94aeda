import type { HttpExchange } from "../http/HttpExchange.js"

/**
 * Exchanges kept in numbered slots rather than in an object each (`NodeCaptureSlots`): a profiler
 * records a slot number, holds it while it waits in the batch, builds its exchange when it maps it,
 * and releases it then (or at once, when it does not keep it). A slot is reused once every profiler
 * that recorded it has released it, so nothing of a request outlives its mapping.
 */
export interface ExchangeSlots {
  /**
   * The exchange of `slot`, built now. Reads only; never throws on odd values. With `reuse`, written
   * into one object kept for the purpose (the same one at every such call): for a caller that is
   * done with it before the next call and hands it to no one who could keep it.
   */
  exchangeAt(slot: number, reuse?: boolean): HttpExchange
  /** A profiler keeps `slot` until it calls `release`. */
  hold(slot: number): void
  /** A profiler is done with `slot` (mapped, dropped or discarded). */
  release(slot: number): void
}
