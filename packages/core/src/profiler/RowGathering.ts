import type { HttpRowMapper } from "../http/HttpRowMapper.js"
import type { Row } from "../profile/DatasetProfile.js"
import { type RecordedBatch, releaseSlots } from "./ExchangeBatch.js"
import { ExchangeGathering } from "./ExchangeGathering.js"

/**
 * Maps exchanges to row objects and hands them over in batches of one dataset and second: the way
 * when the logger has per-dataset options, since a dataset could then segment on other columns than
 * the mapper files exchanges by.
 */
export class RowGathering extends ExchangeGathering<HttpRowMapper> {
  gather(batch: RecordedBatch): void {
    let i = 0
    try {
      while (i < batch.datasets.length) {
        this.#map(batch, i)
        this.releaseAt(batch, i++)
      }
    } finally {
      releaseSlots(batch, i) // only when something threw: what was not released yet
    }
    if (this.#group.length > 0) this.#give(this.#group, this.#groupDataset, this.#groupTimestamp)
    this.#group = []
    this.#groupDataset = undefined
    this.#groupSecond = Number.NaN
  }

  #group: Array<Row> = []
  #groupDataset: string | undefined
  #groupSecond = Number.NaN
  #groupTimestamp = 0

  /** Maps the batch's `i`th exchange into the group under way (a new dataset or second hands it over). */
  #map(batch: RecordedBatch, i: number): void {
    const exchange = this.exchangeAt(batch, i)
    if (exchange === undefined) return
    const result = this.mapper.map(exchange)
    if (result._tag === "Skipped") {
      this.skipped(result)
      return
    }
    const datasetId = batch.datasets[i] ?? result.datasetId ?? this.defaultDatasetId
    const second = Math.floor(result.timestamp / 1000)
    if (datasetId !== this.#groupDataset || second !== this.#groupSecond) {
      if (this.#group.length > 0) this.#give(this.#group, this.#groupDataset, this.#groupTimestamp)
      this.#group = []
      this.#groupDataset = datasetId
      this.#groupSecond = second
      this.#groupTimestamp = result.timestamp
    }
    this.#group.push(result.row)
  }

  #give(rows: Array<Row>, datasetId: string | undefined, timestamp: number): void {
    this.handOver(rows.length, () => this.logger.log(rows, { datasetId, timestamp }))
  }
}
