import { readFileSync } from "node:fs"
import { whylogsVector } from "@sketchlog/test-fixtures"
import { expect } from "vitest"
import type { ColumnType, SummaryValue } from "../src/profile/index.js"

/** What `NAME.summary.json` holds per column (whylogs' own reading of the `.bin`). */
export interface VectorSummary {
  readonly header: {
    readonly tags: Record<string, string>
    readonly properties_metadata: Record<string, string>
    readonly indexed_metric_paths: Record<string, string>
    readonly column_offsets: Record<string, number[]>
    readonly length: number
    readonly has_segments: boolean
    readonly segment_offsets: Record<string, number>
  }
  readonly dataset_timestamp: { readonly epoch_ms: number }
  readonly creation_timestamp: { readonly epoch_ms: number }
  readonly columns: Record<string, { readonly metrics: string[]; readonly summary: Record<string, unknown> }>
}

/** What `NAME.raw.json` holds: every stored component. */
export interface VectorRaw {
  readonly columns: Record<
    string,
    Record<string, { readonly type_id: number; readonly field: string; readonly value: unknown }>
  >
}

/** What `NAME.data.json` holds: the input, column by column. */
export interface VectorData {
  readonly n_rows: number
  readonly columns: Record<string, { readonly pandas_dtype: string; readonly values: unknown[] }>
}

export const vectorBytes = (name: string): Uint8Array => readFileSync(whylogsVector(name))
export const vectorJson = <T>(name: string): T => JSON.parse(readFileSync(whylogsVector(name), "utf8")) as T

/** JSON spellings of non-finite floats back to numbers. */
export const revive = (value: unknown): unknown =>
  value === "NaN" ? Number.NaN : value === "Infinity" ? Infinity : value === "-Infinity" ? -Infinity : value

/** The input columns as JavaScript values. */
export const dataColumns = (data: VectorData): Record<string, unknown[]> =>
  Object.fromEntries(Object.entries(data.columns).map(([name, column]) => [name, column.values.map(revive)]))

/** The whylogs type pandas' dtype gives each column (object → string, bool → integral). */
export const schemaOf = (data: VectorData): Record<string, ColumnType> =>
  Object.fromEntries(
    Object.entries(data.columns).map(([name, column]) => [
      name,
      column.pandas_dtype === "float64"
        ? "fractional"
        : column.pandas_dtype === "object"
          ? "string"
          : "integral",
    ]),
  )

type Item = { value: string; est: number; upper: number; lower: number }
/** Frequent items with equal estimates come in no fixed order: sort by estimate, then value. */
export const sortItems = (items: ReadonlyArray<Item>): Item[] =>
  items.slice().sort((a, b) => b.est - a.est || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))

/**
 * Compare one summary field with whylogs' value: exact for integers and nulls, relative 1e-9 for
 * floats (whylogs sums a batch in a different order), NaN/±Infinity by name, frequent items as sets.
 */
export const expectField = (where: string, actual: SummaryValue | undefined, expected: unknown): void => {
  const wanted = revive(expected)
  if (Array.isArray(wanted)) {
    expect(sortItems(actual as Item[]), where).toEqual(sortItems(wanted as Item[]))
  } else if (typeof wanted === "number" && Number.isFinite(wanted) && !Number.isInteger(wanted)) {
    expect(typeof actual, where).toBe("number")
    expect(Math.abs((actual as number) - wanted), where).toBeLessThanOrEqual(Math.abs(wanted) * 1e-9 + 1e-12)
  } else {
    expect(actual, where).toEqual(wanted)
  }
}
