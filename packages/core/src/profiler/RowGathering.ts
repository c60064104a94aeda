import type { RecordedExchange } from "../capture/DeferredExchange.js"
import type { HttpRowMapper } from "../http/HttpRowMapper.js"
import type { Row } from "../profile/DatasetProfile.js"
import { ExchangeGathering } from "./ExchangeGathering.js"

/**
 * Maps exchanges to row objects and hands them over in batches of one dataset and second: the way
 * when the logger has per-dataset options, since a dataset could then segment on other columns than
 * the mapper files exchanges by.
 */
export class RowGathering extends ExchangeGathering<HttpRowMapper> {
  gather(exchanges: ReadonlyArray<RecordedExchange>, datasets: ReadonlyArray<string | undefined>): void {
    // Consecutive rows of one dataset and one second go to the logger as one batch: they share any
    // time bucket (every granularity is a whole number of seconds), so one timestamp serves them all.
    let group: Array<Row> = []
    let groupDataset: string | undefined
    let groupSecond = Number.NaN
    let groupTimestamp = 0
    for (let i = 0; i < exchanges.length; i++) {
      const exchange = this.exchangeOf(exchanges[i]!)
      if (exchange === undefined) continue
      const result = this.mapper.map(exchange)
      if (result._tag === "Skipped") {
        this.skipped(result)
        continue
      }
      const datasetId = datasets[i] ?? result.datasetId ?? this.defaultDatasetId
      const second = Math.floor(result.timestamp / 1000)
      if (datasetId !== groupDataset || second !== groupSecond) {
        if (group.length > 0) this.#give(group, groupDataset, groupTimestamp)
        group = []
        groupDataset = datasetId
        groupSecond = second
        groupTimestamp = result.timestamp
      }
      group.push(result.row)
    }
    if (group.length > 0) this.#give(group, groupDataset, groupTimestamp)
  }

  #give(rows: Array<Row>, datasetId: string | undefined, timestamp: number): void {
    this.handOver(rows.length, () => this.logger.log(rows, { datasetId, timestamp }))
  }
}
