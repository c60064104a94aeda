import { DatasetProfile } from "../../profile/DatasetProfile.js"
import { DatasetProfileView } from "../../profile/DatasetProfileView.js"
import { ProfileSegment } from "../../profile/Segment.js"
import { segmentText } from "../../profile/SegmentedDatasetProfile.js"
import { MAX_TIMESTAMP, TimeBucket } from "../../profile/TimeBucket.js"
import type { ProfileWrite } from "../../writers/Writer.js"
import type { ColumnarRows } from "../ColumnarRows.js"
import type { BucketStatus, DropReason } from "../LoggerStatus.js"
import { ColumnBatch } from "./ColumnBatch.js"
import type { DatasetConfig } from "./DatasetConfig.js"

/** One profile being built: one segment (or the whole dataset) of one bucket. */
interface Target {
  readonly config: DatasetConfig
  readonly bucket: TimeBucket
  readonly segment: ProfileSegment | undefined
  profile: DatasetProfile | undefined
  /** Rows tracked since the last write. */
  rows: number
  readonly batch: ColumnBatch
}

interface BucketState {
  readonly bucket: TimeBucket
  readonly targets: Map<string, Target>
  /** Segments with their own key (the overflow segment not counted). */
  segments: number
  overflow: Target | undefined
}

/** A dataset's state: its config and its open buckets. */
export interface DatasetState {
  readonly id: string
  readonly config: DatasetConfig
  readonly buckets: Map<number, BucketState>
  /** The bucket of the previous row, checked first (rows arrive mostly in time order). */
  last: BucketState | undefined
}

/** What `takeWrites` produced. */
export interface TakenWrites {
  readonly writes: ReadonlyArray<ProfileWrite>
  readonly rows: number
}

const UNSEGMENTED = ""

/** `addColumnar`'s answer for rows that must be taken one by one. */
export const SPLIT = "split"

/**
 * Every open profile of the actor, by dataset × time bucket × segment, and the column batches being
 * gathered for them during a drain. Owned by the actor's fiber alone.
 */
export class ProfileStore {
  readonly datasets = new Map<string, DatasetState>()
  /** Targets with rows gathered in the current drain. */
  #dirty: Target[] = []

  /** Registers a dataset with its config (first row of it). */
  addDataset(id: string, config: DatasetConfig): DatasetState {
    const state: DatasetState = { id, config, buckets: new Map(), last: undefined }
    this.datasets.set(id, state)
    return state
  }

  /**
   * Gathers one row: finds its bucket and segment and adds its cells to that profile's batch.
   * Returns the reason when the row cannot be profiled.
   */
  addRow(dataset: DatasetState, timestamp: number, row: unknown): DropReason | undefined {
    if (typeof row !== "object" || row === null) return "invalid-row"
    const bucket = this.#bucketOf(dataset, timestamp)
    if (bucket === undefined) return "invalid-timestamp"
    const target = this.#targetOf(dataset, bucket, row as Record<string, unknown>, undefined)
    if (!target.batch.addRecord(row)) return "invalid-row"
    this.#gathered(target)
    return undefined
  }

  /**
   * Gathers rows by column for one profile, as a whole. Their segment is the one they were filed
   * under when the dataset segments on the same columns; otherwise it is read from the columns, which
   * must then hold one value per row in each segment column, all equal ("invalid-row" when they do
   * not: such rows cannot be told apart). Packed rows that cannot go in whole (several datasets,
   * buckets or segments, or an unreadable row) give `SPLIT`: take them row by row.
   */
  addColumnar(dataset: DatasetState, rows: ColumnarRows): DropReason | typeof SPLIT | undefined {
    if (rows.count === 0) return undefined
    const packed = rows.shapes !== undefined
    const segmentOn = dataset.config.segmentOn
    if (packed && (rows.datasetIds !== undefined || segmentOn.length > 0)) return SPLIT
    if (packed && rows.shapes.ofRow.includes(-1)) return SPLIT
    const bucket = this.#bucketOf(dataset, rows.timestamp)
    if (bucket === undefined) return packed ? SPLIT : "invalid-timestamp"
    const times = rows.timestamps
    if (times !== undefined) {
      const { start, end } = bucket.bucket
      for (let i = 0; i < rows.count; i++) {
        const t = times[i] as number
        if (!(t >= start && t < end)) return SPLIT
      }
    }
    let target: Target
    if (segmentOn.length === 0) target = this.#targetOf(dataset, bucket, undefined, undefined)
    else {
      const filed = rows.segment
      const values =
        filed !== undefined && sameColumns(segmentOn, filed.on)
          ? filed.values
          : segmentOfColumns(segmentOn, rows)
      if (values === undefined) return "invalid-row"
      target = this.#segmentTarget(dataset, bucket, values)
    }
    const before = target.batch.rows
    target.batch.addColumns(rows.keys, rows.columns, rows.count)
    if (before === 0) this.#dirty.push(target)
    return undefined
  }

  /** Gathers one row of a log request (`values` in the order of `names`). */
  addValues(
    dataset: DatasetState,
    timestamp: number,
    names: ReadonlyArray<string>,
    values: ReadonlyArray<unknown>,
  ): DropReason | undefined {
    const bucket = this.#bucketOf(dataset, timestamp)
    if (bucket === undefined) return "invalid-timestamp"
    const target = this.#targetOf(dataset, bucket, undefined, { names, values })
    target.batch.addValues(names, values)
    this.#gathered(target)
    return undefined
  }

  /** Tracks every gathered batch into its profile (creating profiles as needed) and returns the row count. */
  commit(now: number): number {
    let rows = 0
    for (const target of this.#dirty) {
      const batchRows = target.batch.rows
      if (batchRows === 0) continue
      if (target.profile === undefined) target.profile = this.#newProfile(target, now)
      target.batch.drainInto(target.profile)
      target.rows += batchRows
      rows += batchRows
    }
    this.#dirty = []
    return rows
  }

  /**
   * Takes a view of every profile with rows since its last write, for the datasets `include` picks
   * (and, when `buckets` is given, only those buckets), and starts those profiles afresh, so the next
   * write carries only later rows. Buckets that ended by `now` — every bucket with `releaseAll` — are
   * removed; a current bucket stays open.
   */
  takeWrites(
    include: (dataset: DatasetState) => boolean,
    now: number,
    releaseAll: boolean,
    buckets?: ReadonlySet<string>,
  ): TakenWrites {
    const writes: ProfileWrite[] = []
    let rows = 0
    for (const dataset of this.datasets.values()) {
      if (!include(dataset)) continue
      for (const [start, state] of dataset.buckets) {
        if (buckets !== undefined && !buckets.has(bucketKey(dataset.id, start))) continue
        const targets =
          state.overflow === undefined ? state.targets.values() : [...state.targets.values(), state.overflow]
        for (const target of targets) {
          if (target.rows === 0 || target.profile === undefined) continue
          const view = target.profile.view()
          const segmented =
            target.segment === undefined
              ? view
              : new DatasetProfileView({
                  columns: view.columns,
                  datasetTimestamp: view.datasetTimestamp,
                  creationTimestamp: view.creationTimestamp,
                  tags: view.tags,
                  metadata: view.metadata,
                  segment: target.segment,
                })
          writes.push({
            datasetId: dataset.id,
            bucket: state.bucket,
            segment: target.segment,
            view: segmented,
            bytes: segmented.serialize(),
            rows: target.rows,
          })
          rows += target.rows
          target.profile = undefined
          target.rows = 0
        }
        if (releaseAll || state.bucket.endedBy(now)) {
          dataset.buckets.delete(start)
          if (dataset.last === state) dataset.last = undefined
        }
      }
    }
    return { writes, rows }
  }

  /** Open buckets and the rows they hold since their last write. */
  buckets(): ReadonlyArray<BucketStatus> {
    const out: BucketStatus[] = []
    for (const dataset of this.datasets.values()) {
      for (const state of dataset.buckets.values()) {
        let rows = 0
        for (const target of state.targets.values()) rows += target.rows
        if (state.overflow !== undefined) rows += state.overflow.rows
        out.push({
          datasetId: dataset.id,
          start: state.bucket.toISOString(),
          granularity: state.bucket.granularity,
          segments: state.targets.size + (state.overflow === undefined ? 0 : 1),
          rows,
        })
      }
    }
    return out
  }

  #gathered(target: Target): void {
    if (target.batch.rows === 1) this.#dirty.push(target)
  }

  #bucketOf(dataset: DatasetState, timestamp: number): BucketState | undefined {
    const last = dataset.last
    if (last !== undefined && timestamp >= last.bucket.start && timestamp < last.bucket.end) return last
    if (!(timestamp >= 0 && timestamp <= MAX_TIMESTAMP)) return undefined
    const bucket = TimeBucket.of(timestamp, dataset.config.aggregateBy)
    let state = dataset.buckets.get(bucket.start)
    if (state === undefined) {
      state = { bucket, targets: new Map(), segments: 0, overflow: undefined }
      dataset.buckets.set(bucket.start, state)
    }
    dataset.last = state
    return state
  }

  #targetOf(
    dataset: DatasetState,
    bucket: BucketState,
    row: Record<string, unknown> | undefined,
    request: { readonly names: ReadonlyArray<string>; readonly values: ReadonlyArray<unknown> } | undefined,
  ): Target {
    const segmentOn = dataset.config.segmentOn
    if (segmentOn.length === 0) {
      let target = bucket.targets.get(UNSEGMENTED)
      if (target === undefined) {
        target = this.#target(dataset, bucket, undefined)
        bucket.targets.set(UNSEGMENTED, target)
      }
      return target
    }
    const values = segmentOn.map((column) => {
      try {
        if (request !== undefined) {
          const at = request.names.indexOf(column)
          return segmentText(at === -1 ? undefined : request.values[at])
        }
        return segmentText(row?.[column])
      } catch {
        return "[object]"
      }
    })
    return this.#segmentTarget(dataset, bucket, values)
  }

  /** The target of one segment (its values in `segmentOn` order), or the overflow segment past the cap. */
  #segmentTarget(dataset: DatasetState, bucket: BucketState, values: ReadonlyArray<string>): Target {
    const segmentOn = dataset.config.segmentOn
    const key = values.length === 1 ? (values[0] as string) : JSON.stringify(values)
    let target = bucket.targets.get(key)
    if (target !== undefined) return target
    if (bucket.segments >= dataset.config.maxSegments) {
      if (bucket.overflow === undefined) {
        const overflow = segmentOn.map(() => dataset.config.overflowValue)
        bucket.overflow = this.#target(dataset, bucket, new ProfileSegment(segmentOn, overflow))
      }
      return bucket.overflow
    }
    target = this.#target(dataset, bucket, new ProfileSegment(segmentOn, [...values]))
    bucket.targets.set(key, target)
    bucket.segments++
    return target
  }

  #target(dataset: DatasetState, bucket: BucketState, segment: ProfileSegment | undefined): Target {
    return {
      config: dataset.config,
      bucket: bucket.bucket,
      segment,
      profile: undefined,
      rows: 0,
      batch: new ColumnBatch(),
    }
  }

  #newProfile(target: Target, now: number): DatasetProfile {
    const config = target.config
    return new DatasetProfile({
      schema: config.schema,
      maxColumns: config.maxColumns,
      tags: config.tags,
      metadata: config.metadata,
      embeddings: config.embeddings,
      creationTimestamp: Math.max(0, now),
      datasetTimestamp: target.bucket.datasetTimestamp,
    })
  }
}

const sameColumns = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  a.length === b.length && a.every((column, i) => column === b[i])

/**
 * The segment of column rows filed under other columns than the dataset segments on: each segment
 * column must hold the same value for every row (or be absent from all of them).
 */
const segmentOfColumns = (
  segmentOn: ReadonlyArray<string>,
  rows: ColumnarRows,
): Array<string> | undefined => {
  const values: Array<string> = []
  for (const column of segmentOn) {
    const at = rows.keys.indexOf(column)
    if (at === -1) {
      values.push(segmentText(undefined))
      continue
    }
    const cells = rows.columns[at] as ReadonlyArray<unknown>
    if (cells.length !== rows.count) return undefined
    const first = segmentText(cells[0])
    for (let i = 1; i < cells.length; i++) if (segmentText(cells[i]) !== first) return undefined
    values.push(first)
  }
  return values
}

/** The key of one dataset's bucket, for targeted writes. */
export const bucketKey = (datasetId: string, start: number): string => `${start}\u0000${datasetId}`
