import type { DatasetProfile } from "../../profile/DatasetProfile.js"

/** Stands for a cell whose getter threw; the profile counts it as an object, as `track` does. */
const UNREADABLE: object = Object.freeze({})

/**
 * Rows bound for one profile, gathered column by column so that a whole drain is tracked with one
 * `trackColumns` call per profile. Each column receives exactly the values a row-by-row `track` would
 * give it, in the same order (a row without a key adds nothing to that column, not a null).
 */
export class ColumnBatch {
  readonly #columns = new Map<string, unknown[]>()
  // Rows of one shape repeat: the previous row's keys and arrays by position, as DatasetProfile does.
  readonly #keys: Array<string> = []
  readonly #arrays: Array<unknown[]> = []
  rows = 0

  #array(key: string): unknown[] {
    let array = this.#columns.get(key)
    if (array === undefined) {
      array = []
      this.#columns.set(key, array)
    }
    return array
  }

  /** Adds a record's cells; false (and nothing added) when its keys cannot be listed. */
  addRecord(row: object): boolean {
    const keys = this.#keys
    const arrays = this.#arrays
    let position = 0
    try {
      for (const key in row) {
        let array: unknown[]
        if (keys[position] === key) {
          array = arrays[position] as unknown[]
        } else {
          if (!Object.hasOwn(row, key)) continue
          array = this.#array(key)
          keys[position] = key
          arrays[position] = array
        }
        let value: unknown
        try {
          value = (row as Record<string, unknown>)[key]
        } catch {
          value = UNREADABLE
        }
        array.push(value)
        position++
      }
    } catch {
      // A Proxy whose key listing throws part way: take back the cells already added.
      for (let i = 0; i < position; i++) (arrays[i] as unknown[]).pop()
      return false
    }
    this.rows++
    return true
  }

  /** Adds one row of a log request: `values[j]` belongs to column `names[j]`. */
  addValues(names: ReadonlyArray<string>, values: ReadonlyArray<unknown>): void {
    for (let j = 0; j < names.length; j++) this.#array(names[j] as string).push(values[j])
    this.rows++
  }

  /** Adds whole columns (rows packed for the worker, all bound for this profile). */
  addColumns(
    keys: ReadonlyArray<string>,
    columns: ReadonlyArray<ReadonlyArray<unknown>>,
    rows: number,
  ): void {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k] as string
      const values = columns[k] as unknown[]
      const array = this.#columns.get(key)
      // Adopted when new (the shape cache only ever holds arrays of the map).
      if (array === undefined) this.#columns.set(key, values)
      else for (let i = 0; i < values.length; i++) array.push(values[i])
    }
    this.rows += rows
  }

  /** Tracks what was gathered into `profile` and empties the batch (keeping its arrays' shape cache). */
  drainInto(profile: DatasetProfile): void {
    if (this.rows === 0) return
    profile.trackColumnMap(this.#columns)
    this.#columns.clear()
    this.#keys.length = 0
    this.#arrays.length = 0
    this.rows = 0
  }
}
