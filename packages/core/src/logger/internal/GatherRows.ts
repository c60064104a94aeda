import { unpackRows } from "../ColumnarRows.js"
import type { DropReason } from "../LoggerStatus.js"
import type { RowsMail } from "./Mail.js"
import { bucketKey, type DatasetState, type ProfileStore, SPLIT } from "./ProfileStore.js"

/** Drops of one drain, per dataset and reason, reported together after it. */
export class DropTally {
  readonly counts = new Map<string, Map<DropReason, number>>()

  add(datasetId: string, reason: DropReason, count = 1): void {
    let byReason = this.counts.get(datasetId)
    if (byReason === undefined) {
      byReason = new Map()
      this.counts.set(datasetId, byReason)
    }
    byReason.set(reason, (byReason.get(reason) ?? 0) + count)
  }
}

/** The first drop of a mail's rows (what a sync caller is told) and how many rows it covers. */
export interface FirstDrop {
  reason: DropReason
  datasetId: string
  count: number
}

/** What gathering one mail's rows gave: its first drop, and the buckets it touched (sync "written"). */
export interface Gathered {
  readonly dropped: FirstDrop | undefined
  readonly buckets: ReadonlySet<string>
}

const NO_BUCKETS: ReadonlySet<string> = new Set()

/**
 * Gathers the rows of one mail into the store's column batches (tracked when the drain commits),
 * counting every row that cannot be profiled in `tally`. `resolve` gives a dataset's state from the
 * id a row names ("" for the logger's default), or undefined when there is no dataset at all.
 */
export const gatherRows = (
  store: ProfileStore,
  resolve: (datasetId: string) => DatasetState | undefined,
  mail: RowsMail,
  now: number,
  tally: DropTally,
): Gathered => {
  const rows = mail.rows
  let first: FirstDrop | undefined
  const touched = mail.sync === "written" ? new Set<string>() : undefined
  const drop = (datasetId: string, reason: DropReason, count = 1) => {
    tally.add(datasetId, reason, count)
    if (first === undefined) first = { reason, datasetId, count }
    else first.count += count
  }
  const touch = (dataset: DatasetState) =>
    touched?.add(bucketKey(dataset.id, dataset.last?.bucket.start ?? 0))
  const one = (dataset: DatasetState | undefined, datasetId: string, timestamp: number, row: unknown) => {
    if (dataset === undefined) return drop(datasetId, "no-dataset")
    const reason = store.addRow(dataset, timestamp, row)
    if (reason !== undefined) return drop(dataset.id, reason)
    touch(dataset)
  }
  switch (rows._tag) {
    case "RowBatch": {
      const { datasetIds, timestamps } = rows
      const shared = datasetIds === undefined ? resolve(rows.datasetId) : undefined
      for (let i = 0; i < rows.rows.length; i++) {
        const id = datasetIds?.[i] ?? rows.datasetId
        const dataset = datasetIds === undefined ? shared : resolve(id)
        one(dataset, id, timestamps?.[i] ?? rows.timestamp, rows.rows[i])
      }
      break
    }
    case "ColumnarRows": {
      const shapes = rows.shapes
      const dataset = rows.datasetIds === undefined ? resolve(rows.datasetId) : undefined
      // Packed rows go one by one when they may not share a profile, or a sync "written" call needs
      // the bucket of every row.
      const whole =
        shapes !== undefined && (dataset === undefined || touched !== undefined)
          ? SPLIT
          : dataset === undefined
            ? "no-dataset"
            : store.addColumnar(dataset, rows)
      if (whole === undefined) touch(dataset!)
      else if (whole !== SPLIT || shapes === undefined) {
        drop(rows.datasetId, whole === SPLIT ? "invalid-row" : whole, rows.count)
      } else {
        let i = 0
        for (const row of unpackRows(rows, shapes)) {
          const id = rows.datasetIds?.[i] ?? rows.datasetId
          one(resolve(id), id, rows.timestamps?.[i] ?? rows.timestamp, row ?? null)
          i++
        }
      }
      break
    }
    case "LogRequest": {
      const dataset = resolve(rows.datasetId)
      const timestamp = rows.timestamp ?? now
      const { columns, data } = rows.multiple
      for (const values of data) {
        if (dataset === undefined) {
          drop(rows.datasetId, "no-dataset")
          continue
        }
        const reason = store.addValues(dataset, timestamp, columns, values)
        if (reason !== undefined) drop(rows.datasetId, reason)
        else touch(dataset)
      }
      break
    }
  }
  return { dropped: first, buckets: touched ?? NO_BUCKETS }
}
