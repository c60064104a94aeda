/**
 * The rows posted to the worker and not yet handed back in a profile or reported dropped, by dataset,
 * and the row permits they hold: what a crash loses.
 */
export class RowsInWorker {
  readonly #byDataset = new Map<string, number>()
  /** Permits held by rows in the worker. */
  permits = 0

  countIn(datasetId: string, count: number): void {
    this.#byDataset.set(datasetId, (this.#byDataset.get(datasetId) ?? 0) + count)
  }

  countOut(datasetId: string, count: number): void {
    const left = (this.#byDataset.get(datasetId) ?? 0) - count
    if (left > 0) this.#byDataset.set(datasetId, left)
    else this.#byDataset.delete(datasetId)
  }

  /** The worker died: what it held, by dataset, and the permits to give back; then nothing is held. */
  lose(): { readonly byDataset: ReadonlyMap<string, number>; readonly permits: number } {
    const lost = { byDataset: new Map(this.#byDataset), permits: this.permits }
    this.#byDataset.clear()
    this.permits = 0
    return lost
  }
}
