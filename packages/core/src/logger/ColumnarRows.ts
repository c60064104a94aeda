/**
 * Rows by column: the one shape rows take, from the front door to the profile, when they are not
 * row objects. Core's HTTP profiler maps exchanges straight into it (one dataset, second and segment
 * per batch); the worker port packs row objects into it for the trip to the worker thread (the
 * structured clone of 2,000 twenty-key objects costs the caller's thread about 2.5 µs a row, every
 * key name written for every row; packed, the names go once and the values travel as plain arrays,
 * at well under half of that on each side). Each column holds the values of the rows that have that
 * key, in row order — exactly what tracking the rows one by one would give each column, a missing key
 * staying missing (not a null).
 */
export interface ColumnarRows {
  readonly _tag: "ColumnarRows"
  readonly count: number
  /** Column names, in first-seen order. */
  readonly keys: ReadonlyArray<string>
  /** Per key: the values of the rows that have it, in row order. */
  readonly columns: ReadonlyArray<ReadonlyArray<unknown>>
  /** The dataset of the rows (of the first row when `datasetIds` is set); "" when none was named. */
  readonly datasetId: string
  /** Per row, when the rows go to several datasets. */
  readonly datasetIds?: ReadonlyArray<string> | undefined
  /** When the rows happened, epoch ms: all of them, or the first when `timestamps` is set. */
  readonly timestamp: number
  /** Per row, when the rows happened at different times. */
  readonly timestamps?: Float64Array<ArrayBuffer> | undefined
  /**
   * The segment the producer filed every row under: the values (as segments spell them) of its
   * `on` columns. Without it, a segmented dataset reads the segment from the columns.
   */
  readonly segment?:
    | { readonly on: ReadonlyArray<string>; readonly values: ReadonlyArray<string> }
    | undefined
  /** Set when packed from row objects: each row's key set, so the rows can be rebuilt one by one. */
  readonly shapes?: RowShapes | undefined
}

/** The key sets of packed rows. */
export interface RowShapes {
  /** Distinct key sets, as indexes into `keys`, in the rows' key order. */
  readonly distinct: ReadonlyArray<ReadonlyArray<number>>
  /** Per row: its key set, or -1 for a row that is not an object or whose keys cannot be listed. */
  readonly ofRow: Int32Array
}

/** Where packed rows go: one dataset and time for all, or one each. */
export interface PackTarget {
  readonly datasetId: string
  readonly datasetIds?: ReadonlyArray<string> | undefined
  readonly timestamp: number
  readonly timestamps?: Float64Array<ArrayBuffer> | undefined
}

/** Stands for a value the structured clone cannot carry or a getter that threw: profiled as an object. */
const OPAQUE = Object.freeze({})

/**
 * What crosses the thread for a cell: primitives, arrays and typed arrays (the profile inspects these
 * for tensors) as they are; any other object (the profile only classifies it as an object) as an
 * empty one, so functions, symbols, proxies and class instances cannot break the clone.
 */
const portable = (value: unknown): unknown => {
  switch (typeof value) {
    case "object":
      if (value === null || Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof Date)
        return value
      return OPAQUE
    case "function":
    case "symbol":
      return OPAQUE
    default:
      return value
  }
}

/** Packs rows by column, with their key sets. Never throws, whatever the rows hold. */
export const packRows = (rows: ReadonlyArray<unknown>, target: PackTarget): ColumnarRows => {
  const count = rows.length
  const keys: string[] = []
  const keyIndex = new Map<string, number>()
  const columns: unknown[][] = []
  const shapes: number[][] = []
  const shapeIndex = new Map<string, number>()
  const rowShapes = new Int32Array(count)
  // The previous row's shape: rows of one shape repeat, and then each cell goes straight to its
  // column with nothing allocated for the row.
  let lastShape = -1
  let lastNames: string[] = []
  const names: string[] = []
  const values: unknown[] = []
  for (let r = 0; r < count; r++) {
    const row = rows[r]
    if (typeof row !== "object" || row === null) {
      rowShapes[r] = -1
      continue
    }
    let position = 0
    let same = lastShape >= 0
    const lastIndexes = same ? (shapes[lastShape] as number[]) : undefined
    names.length = 0
    values.length = 0
    try {
      for (const key in row) {
        if (!Object.hasOwn(row, key)) continue
        let value: unknown
        try {
          value = (row as Record<string, unknown>)[key]
        } catch {
          value = OPAQUE
        }
        value = portable(value)
        if (same && lastNames[position] === key) {
          ;(columns[(lastIndexes as number[])[position] as number] as unknown[]).push(value)
        } else {
          if (same) {
            // The shape changed part way: take back the cells already placed, then go the long way.
            for (let k = 0; k < position; k++) {
              names.push(lastNames[k] as string)
              values.push((columns[(lastIndexes as number[])[k] as number] as unknown[]).pop())
            }
            same = false
          }
          names.push(key)
          values.push(value)
        }
        position++
      }
    } catch {
      if (same)
        for (let k = 0; k < position; k++)
          (columns[(lastIndexes as number[])[k] as number] as unknown[]).pop()
      rowShapes[r] = -1
      continue
    }
    if (same && position === lastNames.length) {
      rowShapes[r] = lastShape
      continue
    }
    if (same) {
      // A prefix of the previous shape: its cells were placed, but it is a shape of its own.
      for (let k = 0; k < position; k++) {
        names.push(lastNames[k] as string)
        values.push((columns[(lastIndexes as number[])[k] as number] as unknown[]).pop())
      }
    }
    const indexes: number[] = []
    for (const name of names) {
      let index = keyIndex.get(name)
      if (index === undefined) {
        index = keys.length
        keys.push(name)
        keyIndex.set(name, index)
        columns.push([])
      }
      indexes.push(index)
    }
    const signature = indexes.join(",")
    let shape = shapeIndex.get(signature)
    if (shape === undefined) {
      shape = shapes.length
      shapes.push(indexes)
      shapeIndex.set(signature, shape)
    }
    for (let k = 0; k < indexes.length; k++) (columns[indexes[k] as number] as unknown[]).push(values[k])
    rowShapes[r] = shape
    lastShape = shape
    lastNames = [...names]
  }
  return {
    _tag: "ColumnarRows",
    ...target,
    count,
    keys,
    columns,
    shapes: { distinct: shapes, ofRow: rowShapes },
  }
}

/**
 * Rebuilds packed rows one by one (the general path, when rows of one batch go to different
 * profiles); `undefined` for a row that was not readable.
 */
export function* unpackRows(
  packed: ColumnarRows,
  shapes: RowShapes,
): Generator<Record<string, unknown> | undefined> {
  const cursors = new Int32Array(packed.keys.length)
  for (let r = 0; r < packed.count; r++) {
    const shape = shapes.ofRow[r] as number
    if (shape < 0) {
      yield undefined
      continue
    }
    const row: Record<string, unknown> = Object.create(null)
    for (const index of shapes.distinct[shape] as number[]) {
      row[packed.keys[index] as string] = (packed.columns[index] as unknown[])[cursors[index]++]
    }
    yield row
  }
}

/** A column whose arrays the structured clone refuses replaced by opaque objects (the rare path). */
export const cloneableColumn = (column: ReadonlyArray<unknown>): ReadonlyArray<unknown> =>
  column.map((value) => {
    if (!Array.isArray(value)) return value
    try {
      structuredClone(value)
      return value
    } catch {
      return OPAQUE
    }
  })
