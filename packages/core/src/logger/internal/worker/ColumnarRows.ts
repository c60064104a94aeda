/**
 * Rows packed by column for the trip to the worker thread. The structured clone of 2,000 twenty-key
 * objects costs the caller's thread about 2.5 µs a row (every key name is written for every row);
 * packed, the names go once and the values travel as plain arrays, at well under half of that on
 * each side. The packing keeps exactly what a row-by-row `track` would see: each column holds the
 * values of the rows that have that key, in row order, and each row records its key set (its
 * "shape"), so a missing key stays missing (not a null).
 */
export interface ColumnarRows {
  readonly count: number
  /** Column names, in first-seen order. */
  readonly keys: ReadonlyArray<string>
  /** Per key: the values of the rows that have it, in row order. */
  readonly columns: ReadonlyArray<ReadonlyArray<unknown>>
  /** Distinct key sets, as indexes into `keys`, in the rows' key order. */
  readonly shapes: ReadonlyArray<ReadonlyArray<number>>
  /** Per row: its shape, or -1 for a row that is not an object or whose keys cannot be listed. */
  readonly rowShapes: Int32Array
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

/** Packs `count` rows of `rows` from `from`. Never throws, whatever the rows hold. */
export const packRows = (
  rows: ReadonlyArray<unknown>,
  from = 0,
  count = rows.length - from,
): ColumnarRows => {
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
    const row = rows[from + r]
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
  return { count, keys, columns, shapes, rowShapes }
}

/** Rebuilds the rows one by one (the general path, when rows of one batch go to different profiles). */
export function* unpackRows(packed: ColumnarRows): Generator<Record<string, unknown> | undefined> {
  const cursors = new Int32Array(packed.keys.length)
  for (let r = 0; r < packed.count; r++) {
    const shape = packed.rowShapes[r] as number
    if (shape < 0) {
      yield undefined
      continue
    }
    const row: Record<string, unknown> = Object.create(null)
    for (const index of packed.shapes[shape] as number[]) {
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
