import type { FieldSink } from "../ColumnRowsBuilder.js"
import type { HttpRowValue } from "../HttpRow.js"
import { boundedString } from "./boundedString.js"
import type { FieldNode, FieldTree } from "./fieldTree.js"

/** The walk limits, validated. */
export interface WalkLimits {
  readonly maxDepth: number
  readonly maxFields: number
  readonly maxStringLength: number
  readonly maxBodyChars: number
  readonly arrayItems: number
}

const INDEX_KEYS = Array.from({ length: 64 }, (_, i) => String(i))

/** True for values that are not data but a way to read data (streams, blobs, responses). */
export const isStreamLike = (value: object): boolean => {
  const v = value as { pipe?: unknown; getReader?: unknown; arrayBuffer?: unknown }
  return (
    typeof v.pipe === "function" || typeof v.getReader === "function" || typeof v.arrayBuffer === "function"
  )
}

/**
 * Flattens one parsed body (or query object) into row columns under the budgets: depth, columns, string
 * length, total string characters, and nodes visited. Any value is accepted; what JSON could not carry
 * (undefined, functions, symbols, bigints, binary) is skipped the way `JSON.stringify` skips it, and a
 * getter or proxy that throws ends the walk with what was gathered so far. Scratch state lives on the
 * instance: a mapper walks one body at a time, synchronously.
 */
export class BodyWalk {
  /** Columns written by the last walk. */
  fields = 0
  /** Whether the last walk dropped anything because of a limit or a failure. */
  truncated = false
  private chars = 0
  private visits = 0
  private sink: FieldSink | undefined = undefined
  private tree: FieldTree | undefined = undefined
  private readonly maxVisits: number

  constructor(private readonly limits: WalkLimits) {
    // Every key looked at costs a visit, written or not (redacted, excluded, over depth), so a body of
    // a million skipped keys, or a cycle, stops here rather than at the column limit.
    this.maxVisits = limits.maxFields * 8 + 64
  }

  /** Walks `value` below `root`, writing into `sink`. */
  walk(sink: FieldSink, tree: FieldTree, root: FieldNode, value: unknown): void {
    this.fields = 0
    this.truncated = false
    this.chars = 0
    this.visits = 0
    this.sink = sink
    this.tree = tree
    if (root.skip) return // the whole body is excluded
    try {
      this.value(root, value)
    } catch {
      this.truncated = true
    }
  }

  /** Walks the entries of a `URLSearchParams` below `root` (every value is a string). */
  walkParams(sink: FieldSink, tree: FieldTree, root: FieldNode, params: URLSearchParams): void {
    this.fields = 0
    this.truncated = false
    this.chars = 0
    this.visits = 0
    this.sink = sink
    this.tree = tree
    try {
      params.forEach((value, key) => {
        if (this.visits++ >= this.maxVisits) {
          this.truncated = true
          return
        }
        const child = tree.child(root, key)
        if (child === undefined) this.truncated = true
        else if (!child.skip) this.string(child, value)
      })
    } catch {
      this.truncated = true
    }
  }

  private value(node: FieldNode, value: unknown): void {
    switch (typeof value) {
      case "string":
        this.string(node, value)
        return
      case "number":
      case "boolean":
        this.emit(node, value)
        return
      case "object":
        if (value === null) this.emit(node, null)
        else if (Array.isArray(value)) this.array(node, value)
        else this.object(node, value)
        return
      default:
      // undefined, bigint, symbol, function: JSON cannot carry them, so neither does a row.
    }
  }

  /**
   * Depth is counted in the segments of column names (`FieldNode.depth`), not in nesting levels: a key
   * holding a dot (`{"a.b": {"c": 1}}`) gives the same column as nesting does, so it counts the same
   * against `maxDepth`.
   */
  private object(node: FieldNode, value: object): void {
    if (Object.getPrototypeOf(value) !== Object.prototype) {
      if (value instanceof Date) {
        const time = value.getTime()
        if (Number.isNaN(time)) this.emit(node, null)
        else this.string(node, value.toISOString())
        return
      }
      // Binary data and boxed strings would enumerate one key per byte or character.
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof String) return
    }
    if (node.depth >= this.limits.maxDepth) {
      this.truncated = true
      return
    }
    const tree = this.tree!
    const record = value as Record<string, unknown>
    // `for…in` rather than `Object.keys`: on the objects `JSON.parse` makes, V8 walks its cached key
    // list without allocating an array per object (an own-key check keeps inherited keys out).
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue
      if (this.visits >= this.maxVisits || this.fields >= this.limits.maxFields) {
        this.truncated = true
        return
      }
      this.visits++
      const child = tree.child(node, key)
      if (child === undefined) {
        this.truncated = true
        continue
      }
      if (child.skip) continue
      if (child.depth > this.limits.maxDepth) {
        this.truncated = true
        continue
      }
      this.value(child, record[key])
    }
  }

  /**
   * An array is summarised by its length. Only arrays of objects are walked further, and only their
   * first `arrayItems` items (`<path>.0.<field>`): arrays of numbers are vectors (embeddings, pixels)
   * whose items are not separate features, and arrays of strings or arrays are counted only.
   */
  private array(node: FieldNode, value: ReadonlyArray<unknown>): void {
    if (node.depth >= this.limits.maxDepth) {
      this.truncated = true
      return
    }
    const tree = this.tree!
    this.visits++
    const lengthNode = tree.child(node, "length")
    if (lengthNode === undefined) this.truncated = true
    else if (!lengthNode.skip && typeof value.length === "number") this.emit(lengthNode, value.length)
    const items = Math.min(value.length, this.limits.arrayItems)
    for (let i = 0; i < items; i++) {
      if (this.visits >= this.maxVisits || this.fields >= this.limits.maxFields) {
        this.truncated = true
        return
      }
      this.visits++
      const item = value[i]
      if (typeof item !== "object" || item === null || Array.isArray(item)) return
      const child = tree.child(node, INDEX_KEYS[i] ?? String(i))
      if (child === undefined) {
        this.truncated = true
        return
      }
      if (!child.skip) this.object(child, item)
    }
  }

  private string(node: FieldNode, value: string): void {
    if (!node.emit) return
    const kept = Math.min(value.length, this.limits.maxStringLength)
    if (this.fields >= this.limits.maxFields || this.chars + kept > this.limits.maxBodyChars) {
      this.truncated = true
      return
    }
    this.chars += kept
    this.sink!.put(node, boundedString(value, this.limits.maxStringLength))
    this.fields++
  }

  private emit(node: FieldNode, value: HttpRowValue): void {
    if (!node.emit) return
    if (this.fields >= this.limits.maxFields) {
      this.truncated = true
      return
    }
    this.sink!.put(node, value)
    this.fields++
  }
}
