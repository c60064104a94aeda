import { createHash } from "node:crypto"

/** The prefix whylogs gives segment tags: `whylogs.tag.<column>`. */
export const SEGMENT_TAG_PREFIX = "whylogs.tag."

/**
 * One segment of a dataset: the columns it is partitioned on and this segment's value of each, as
 * whylogs' column segmentation writes them (values as text, `str(value)` in Python terms).
 */
export class ProfileSegment {
  constructor(
    readonly columns: ReadonlyArray<string>,
    readonly values: ReadonlyArray<string>,
  ) {}

  /** `whylogs.tag.<column>` → value, in column order. */
  get tags(): ReadonlyArray<{ readonly key: string; readonly value: string }> {
    return this.columns.map((column, i) => ({
      key: SEGMENT_TAG_PREFIX + column,
      value: this.values[i] ?? "",
    }))
  }

  /** whylogs' partition name: the column name, or the names joined by "," for several. */
  get partitionName(): string {
    return this.columns.join(",")
  }

  /**
   * whylogs' partition id: SHA-512 (hex) of the mapper id, itself SHA-512 (hex) of the sorted column
   * names joined by ",", for a column partition with no filter and no mapping function.
   */
  get partitionId(): string {
    const mapperId = sha512(Array.from(this.columns).sort().join(","))
    return sha512(mapperId)
  }

  /** The `segp_*` metadata whylogs writes into a segmented profile's properties. */
  get metadata(): Readonly<Record<string, string>> {
    const out: Record<string, string> = { segp_id: this.partitionId, segp_name: this.partitionName }
    if (this.columns.length === 1) out.segp_col = this.columns[0] as string
    else out.segp_cols = this.columns.map((column) => `(${column})`).join("")
    return out
  }

  /** Same columns and values. */
  equals(other: ProfileSegment): boolean {
    return (
      this.columns.length === other.columns.length &&
      this.columns.every((column, i) => column === other.columns[i] && this.values[i] === other.values[i])
    )
  }

  /** A readable key such as `route=/users,status=200`. */
  toString(): string {
    return this.columns.map((column, i) => `${column}=${this.values[i]}`).join(",")
  }
}

const sha512 = (text: string): string => createHash("sha512").update(text, "utf8").digest("hex")
