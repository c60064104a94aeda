import { type ColumnType, columnTypes } from "./ColumnType.js"
import { DatasetProfileView } from "./DatasetProfileView.js"
import { ColumnTracker } from "./internal/ColumnTracker.js"
import { EmbeddingTracker } from "./internal/EmbeddingTracker.js"
import {
  type EmbeddingOptions,
  type EmbeddingReferences,
  resolveEmbeddingOptions,
} from "./metrics/EmbeddingOptions.js"
import { ProfileArgumentError } from "./ProfileError.js"

/** A row: column name → value. Any JavaScript value is accepted (see the README's type table). */
export type Row = Readonly<Record<string, unknown>>

/** Options of a new profile. */
export interface DatasetProfileOptions {
  /**
   * Declared column types: a declared column takes this metric set whatever it receives. It appears in
   * the profile when it first occurs in a row (whylogs lists every declared column from the start, with
   * count 0 until then), so a segment that never carries it has no empty column for it.
   */
  readonly schema?: Readonly<Record<string, ColumnType>> | undefined
  /** The time the data belongs to (whylogs' dataset timestamp); defaults to the creation time. */
  readonly datasetTimestamp?: Date | number | undefined
  /** When the profile was made; defaults to now. */
  readonly creationTimestamp?: Date | number | undefined
  /** Written to the profile's `properties.tags`. */
  readonly tags?: Readonly<Record<string, string>> | undefined
  /** Written to the profile's `properties.metadata`. */
  readonly metadata?: Readonly<Record<string, string>> | undefined
  /**
   * At most this many columns (default 1,000): cells of further new columns are not profiled but
   * counted in `droppedCells`, so rows with unbounded key sets cannot grow memory without limit.
   */
  readonly maxColumns?: number | undefined
  /**
   * Embedding columns: column → reference vectors, labels and distance (whylogs' `EmbeddingConfig`).
   * These columns exist from the start, typed `any` (each vector counts as a tensor), and carry the
   * `embedding` metric: nearest label and distance to every reference, per vector.
   */
  readonly embeddings?: Readonly<Record<string, EmbeddingOptions>> | undefined
}

/** Options checked once: the logger makes a profile per bucket and write from the same options object. */
const resolvedEmbeddings = new WeakMap<EmbeddingOptions, EmbeddingReferences>()

const embeddingReferences = (column: string, options: EmbeddingOptions): EmbeddingReferences => {
  if (typeof options === "object" && options !== null) {
    const known = resolvedEmbeddings.get(options)
    if (known !== undefined) return known
  }
  const resolved = resolveEmbeddingOptions(column, options)
  resolvedEmbeddings.set(options, resolved)
  return resolved
}

/** Default cap on the number of columns of one profile. */
export const DEFAULT_MAX_COLUMNS = 1000

/** Stands for a cell whose getter threw: it is counted as an object. */
const UNREADABLE: object = Object.freeze({})

/**
 * A mutable profile being tracked. `track(row)` folds one row in, `trackColumns` a batch of columns
 * (the fast path), `view()` takes an immutable snapshot to merge, summarise or serialize. Tracking
 * never throws, whatever the values: each cell is counted as what it is, at bounded cost.
 */
export class DatasetProfile {
  readonly #columns = new Map<string, ColumnTracker>()
  readonly #maxColumns: number
  readonly #declared = new Map<string, ColumnType>()
  readonly #creationTimestamp: number
  readonly #datasetTimestamp: number
  readonly #tags: Readonly<Record<string, string>>
  readonly #metadata: Readonly<Record<string, string>>
  // Rows of one shape repeat: remember the previous row's keys and columns by position.
  readonly #shapeKeys: Array<string> = []
  readonly #shapeColumns: Array<ColumnTracker | undefined> = []
  #droppedRows = 0
  #droppedCells = 0

  constructor(options: DatasetProfileOptions = {}) {
    this.#maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS
    if (!Number.isInteger(this.#maxColumns) || this.#maxColumns < 1) {
      throw new ProfileArgumentError({
        argument: "maxColumns",
        reason: `must be a positive integer, got ${options.maxColumns}`,
      })
    }
    this.#creationTimestamp = toMillis(options.creationTimestamp ?? Date.now(), "creationTimestamp")
    this.#datasetTimestamp = toMillis(options.datasetTimestamp ?? this.#creationTimestamp, "datasetTimestamp")
    this.#tags = Object.fromEntries(Object.entries(options.tags ?? {}))
    this.#metadata = Object.fromEntries(Object.entries(options.metadata ?? {}))
    for (const [name, type] of Object.entries(options.schema ?? {})) {
      if (!columnTypes.includes(type)) {
        throw new ProfileArgumentError({
          argument: `schema[${JSON.stringify(name)}]`,
          reason: `must be one of ${columnTypes.join(", ")}, got ${String(type)}`,
        })
      }
      // Declared types apply when the column first occurs: a segment or a request kind that never
      // carries a declared field (a 404 has no body) gets no empty, untyped column for it.
      this.#declared.set(name, type)
    }
    for (const [name, embedding] of Object.entries(options.embeddings ?? {})) {
      const declared = options.schema?.[name]
      if (declared !== undefined && declared !== "any") {
        throw new ProfileArgumentError({
          argument: `schema[${JSON.stringify(name)}]`,
          reason: `an embedding column is typed "any", not ${declared}`,
        })
      }
      this.#columns.set(
        name,
        new ColumnTracker("any", new EmbeddingTracker(embeddingReferences(name, embedding))),
      )
    }
  }

  /** Rows that could not be read at all (not an object, or a Proxy whose key listing throws). */
  get droppedRows(): number {
    return this.#droppedRows
  }

  /** Cells not profiled because their column would exceed `maxColumns`. */
  get droppedCells(): number {
    return this.#droppedCells
  }

  /** Fold one row in: each own enumerable string key is a column. */
  track(row: Row): void {
    if (row === null || typeof row !== "object") {
      this.#droppedRows++
      return
    }
    const keys = this.#shapeKeys
    const cached = this.#shapeColumns
    let position = 0
    try {
      for (const key in row) {
        let column: ColumnTracker | undefined
        if (keys[position] === key) {
          // Seen as an own key at this position before: the row has the usual shape. (A row whose
          // prototype supplies that same key at that same position would be profiled; never a throw.)
          column = cached[position]
        } else {
          if (!Object.hasOwn(row, key)) continue
          column = this.#column(key)
          keys[position] = key
          cached[position] = column
        }
        let value: unknown
        try {
          value = row[key]
        } catch {
          value = UNREADABLE
        }
        position++
        if (column === undefined) this.#droppedCells++
        else column.track(value)
      }
    } catch {
      this.#droppedRows++
    }
  }

  /** Fold rows in, one by one. */
  trackRows(rows: Iterable<Row>): void {
    for (const row of rows) this.track(row)
  }

  /** Fold a batch of columns in: `{ age: [31, 45, null], name: ["a", "b", "c"] }`. Typed arrays work too. */
  trackColumns(columns: Readonly<Record<string, ArrayLike<unknown>>>): void {
    for (const name of Object.keys(columns)) {
      let values: ArrayLike<unknown>
      try {
        values = columns[name] as ArrayLike<unknown>
      } catch {
        this.#droppedRows++
        continue
      }
      this.#trackColumn(name, values)
    }
  }

  /**
   * @internal `trackColumns` for columns already gathered in a `Map` (the rolling logger's batches),
   * without building a record of them first.
   */
  trackColumnMap(columns: ReadonlyMap<string, ArrayLike<unknown>>): void {
    for (const [name, values] of columns) this.#trackColumn(name, values)
  }

  #trackColumn(name: string, values: ArrayLike<unknown>): void {
    const column = this.#column(name)
    const length = values?.length
    if (typeof length !== "number") return
    if (column === undefined) {
      this.#droppedCells += length
      return
    }
    for (let i = 0; i < length; i++) {
      let value: unknown
      try {
        value = values[i]
      } catch {
        value = UNREADABLE
      }
      column.track(value)
    }
  }

  /** An immutable snapshot; tracking may go on afterwards without changing it. */
  view(): DatasetProfileView {
    return new DatasetProfileView({
      columns: Array.from(this.#columns, ([name, column]) => [name, column.snapshot()] as const),
      datasetTimestamp: this.#datasetTimestamp,
      creationTimestamp: this.#creationTimestamp,
      tags: this.#tags,
      metadata: this.#metadata,
    })
  }

  #column(name: string): ColumnTracker | undefined {
    let column = this.#columns.get(name)
    if (column === undefined) {
      const declared = this.#declared.get(name)
      // A declared column always has its place; others while there is room.
      if (declared === undefined && this.#columns.size >= this.#maxColumns) return undefined
      column = new ColumnTracker(declared)
      this.#columns.set(name, column)
    }
    return column
  }
}

const toMillis = (value: Date | number, argument: string): number => {
  const millis = value instanceof Date ? value.getTime() : value
  if (!Number.isFinite(millis) || millis < 0) {
    throw new ProfileArgumentError({
      argument,
      reason: `must be a valid time at or after 1970, got ${String(value)}`,
    })
  }
  return Math.trunc(millis)
}
