import type { HttpRowValue } from "./HttpRow.js"
import type { FieldNode } from "./internal/fieldTree.js"

/** Where the cells of a body walk go: a row object, or column buffers. */
export interface FieldSink {
  /** The cell of a field; a field written twice in one exchange keeps the last value, as a row does. */
  put(node: FieldNode, value: HttpRowValue): void
}

/** Writes fields into one row object (the `map()` path). */
export class RowSink implements FieldSink {
  row: Record<string, HttpRowValue> = Object.create(null)
  put(node: FieldNode, value: HttpRowValue): void {
    this.row[node.name] = value
  }
}

let nextBuilderId = 1

/**
 * Exchanges mapped straight into column buffers, for one profile (one dataset, segment and second):
 * no row object per exchange. Each column holds the values of the exchanges that have that column, in
 * order, exactly what tracking those rows one by one would give each column. The fixed columns come
 * first, one cell per exchange; body and query fields are placed by name (cached on the field's node),
 * and a field written twice in one exchange (`{"a.b": 1, "a": {"b": 2}}`) keeps the last value, as a
 * row's property would.
 */
export class ColumnRowsBuilder implements FieldSink {
  /** Identifies this builder in the field nodes' slot cache (a node remembers its column here). */
  readonly id = nextBuilderId++
  readonly keys: Array<string> = []
  readonly columns: Array<Array<HttpRowValue>> = []
  /** Exchanges completed. */
  count = 0
  readonly #index = new Map<string, number>()
  /** Per column: the exchange (`count`) that wrote it last. */
  readonly #stamps: Array<number> = []

  /** `fixed` are the columns every exchange writes once, in the order `fixed()` is given them. */
  constructor(fixed: ReadonlyArray<string>) {
    for (const name of fixed) this.#column(name)
  }

  /** The cell of the fixed column at `index` (each exactly once per exchange). */
  fixed(index: number, value: HttpRowValue): void {
    ;(this.columns[index] as Array<HttpRowValue>).push(value)
  }

  put(node: FieldNode, value: HttpRowValue): void {
    let index: number
    if (node.ownerId === this.id) {
      index = node.slot
    } else {
      index = this.#index.get(node.name) ?? this.#column(node.name)
      node.ownerId = this.id
      node.slot = index
    }
    const column = this.columns[index] as Array<HttpRowValue>
    if (this.#stamps[index] === this.count) column[column.length - 1] = value
    else {
      column.push(value)
      this.#stamps[index] = this.count
    }
  }

  /** Ends the current exchange. */
  endRow(): void {
    this.count++
  }

  /**
   * Takes back the cells the current (unfinished) exchange wrote: nothing of an exchange that failed
   * half way may reach a profile. `fixedWritten` fixed cells were written.
   */
  abortRow(fixedWritten: number): void {
    for (let i = 0; i < fixedWritten; i++) (this.columns[i] as Array<HttpRowValue>).pop()
    for (let i = 0; i < this.columns.length; i++) {
      if (this.#stamps[i] === this.count) {
        ;(this.columns[i] as Array<HttpRowValue>).pop()
        this.#stamps[i] = -1
      }
    }
  }

  #column(name: string): number {
    const index = this.keys.length
    this.keys.push(name)
    this.columns.push([])
    this.#stamps.push(-1)
    this.#index.set(name, index)
    return index
  }
}
