import { ColumnRowsBuilder } from "../http/ColumnRowsBuilder.js"
import type { ColumnarHttpRowMapper } from "../http/HttpRowMapper.js"
import { type RecordedBatch, releaseSlots } from "./ExchangeBatch.js"
import { ExchangeGathering } from "./ExchangeGathering.js"

/** Exchanges of one dataset, segment and second being gathered by column. */
interface Gathering {
  readonly builder: ColumnRowsBuilder
  readonly datasetId: string
  readonly second: number
  /** The first exchange's time: every exchange of the second shares its bucket. */
  readonly timestamp: number
  readonly segment: ReadonlyArray<string>
}

/**
 * Maps exchanges straight into column buffers, one per dataset, segment and second, and hands each
 * to the logger as one batch: no row object per exchange, no per-row work in the logger.
 */
export class ColumnGathering extends ExchangeGathering<ColumnarHttpRowMapper> {
  /** The builders of the batch under way, by dataset and segment. */
  readonly #builders = new Map<string, Gathering>()
  /**
   * The gathering the previous exchange went to: consecutive exchanges of one dataset, segment and
   * second (the usual case) find it without a key string built and looked up for each.
   */
  #last: Gathering | undefined

  gather(batch: RecordedBatch): void {
    const mapper = this.mapper
    const datasets = batch.datasets
    // No callback of the options sees the exchange: one object can serve every slot's exchange.
    const reuse = !mapper.handsOutExchanges
    let i = 0
    try {
      while (i < datasets.length) {
        const exchange = this.exchangeAt(batch, i, reuse)
        if (exchange !== undefined) {
          const result = mapper.mapColumns(exchange, this.#target, datasets[i])
          if (result._tag === "Skipped") this.skipped(result)
        }
        this.releaseAt(batch, i++)
      }
    } finally {
      releaseSlots(batch, i) // only when something threw: what was not released yet
    }
    this.#last = undefined
    for (const gathering of this.#builders.values()) this.#give(gathering)
    this.#builders.clear()
  }

  /** The builder for an exchange's dataset, segment and second (a new second hands the old one over). */
  readonly #target = (
    datasetOption: string | undefined,
    segment: ReadonlyArray<string>,
    timestamp: number,
  ): ColumnRowsBuilder => {
    const datasetId = datasetOption ?? this.defaultDatasetId
    const second = Math.floor(timestamp / 1000)
    const last = this.#last
    if (
      last !== undefined &&
      last.second === second &&
      last.datasetId === datasetId &&
      sameValues(last.segment, segment)
    ) {
      return last.builder
    }
    const key = segment.length === 0 ? datasetId : `${datasetId}\u0000${segment.join("\u0000")}`
    let gathering = this.#builders.get(key)
    if (gathering !== undefined && gathering.second !== second) {
      this.#give(gathering)
      gathering = undefined
    }
    if (gathering === undefined) {
      gathering = {
        builder: new ColumnRowsBuilder(this.mapper.fixedColumns),
        datasetId,
        second,
        timestamp,
        segment: [...segment],
      }
      this.#builders.set(key, gathering)
    }
    this.#last = gathering
    return gathering.builder
  }

  #give(gathering: Gathering): void {
    const { builder } = gathering
    if (builder.count === 0) return
    this.handOver(builder.count, () =>
      this.logger.logColumnar({
        _tag: "ColumnarRows",
        datasetId: gathering.datasetId,
        timestamp: gathering.timestamp,
        count: builder.count,
        keys: builder.keys,
        columns: builder.columns,
        segment: { on: this.mapper.segmentOn, values: gathering.segment },
      }),
    )
  }
}

const sameValues = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
