import type { RowBatch } from "./Mail.js"

/**
 * Rows logged through the Promise face, gathered on the caller's thread between two hand-offs to
 * the actor: one `RowBatch` per hand-off instead of one message per row. Each row keeps its dataset
 * and timestamp (parallel arrays); the dataset array is left out while every row shares one.
 */
export class RowBuffer {
  #rows: unknown[] = []
  #timestamps: number[] = []
  #datasetIds: string[] | undefined
  #datasetId: string | undefined
  #permits = 0

  /** Rows buffered. */
  get size(): number {
    return this.#rows.length
  }

  /** Adds `count` rows of `rows` (from `from`) for one dataset and timestamp, holding `permits` permits. */
  add(
    rows: ReadonlyArray<unknown>,
    from: number,
    count: number,
    datasetId: string,
    timestamp: number,
    permits: number,
  ): void {
    const n = this.#rows.length
    if (n === 0) this.#datasetId = datasetId
    else if (this.#datasetIds === undefined && datasetId !== this.#datasetId) {
      this.#datasetIds = new Array<string>(n).fill(this.#datasetId ?? "")
    }
    for (let i = from; i < from + count; i++) {
      this.#rows.push(rows[i])
      this.#timestamps.push(timestamp)
      this.#datasetIds?.push(datasetId)
    }
    this.#permits += permits
  }

  /** Adds one row (the common case, without an array). */
  addOne(row: unknown, datasetId: string, timestamp: number, permits: number): void {
    const n = this.#rows.length
    if (n === 0) this.#datasetId = datasetId
    else if (this.#datasetIds === undefined && datasetId !== this.#datasetId) {
      this.#datasetIds = new Array<string>(n).fill(this.#datasetId ?? "")
    }
    this.#rows.push(row)
    this.#timestamps.push(timestamp)
    this.#datasetIds?.push(datasetId)
    this.#permits += permits
  }

  /** Empties the buffer into one batch and the permits its rows hold; undefined when empty. */
  take(): { readonly batch: RowBatch; readonly permits: number } | undefined {
    if (this.#rows.length === 0) return undefined
    const batch: RowBatch = {
      _tag: "RowBatch",
      rows: this.#rows,
      datasetId: this.#datasetId ?? "",
      datasetIds: this.#datasetIds,
      timestamp: this.#timestamps[0] as number,
      timestamps: this.#timestamps,
    }
    const permits = this.#permits
    this.#rows = []
    this.#timestamps = []
    this.#datasetIds = undefined
    this.#datasetId = undefined
    this.#permits = 0
    return { batch, permits }
  }
}
