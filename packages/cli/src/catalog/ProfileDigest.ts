import type { DatasetProfileView } from "@sketchlog/core"
import { ColumnDigest } from "./ColumnDigest.js"

/**
 * The digest of one or more profiles of a dataset (a stored profile, an hour of every replica, a
 * window): its rows and a `ColumnDigest` per column. Immutable; `merge` makes a new one.
 */
export class ProfileDigest {
  private constructor(
    /** Rows: the largest `counts/n` of the columns, summed over the merged profiles. */
    readonly rows: number,
    readonly columns: ReadonlyMap<string, ColumnDigest>,
    /** How many stored profiles went into it. */
    readonly profiles: number,
  ) {}

  /** No profile at all. */
  static readonly empty = new ProfileDigest(0, new Map(), 0)

  /**
   * The digest of a profile read from the store, or of the merge of several (`merged`: their rows,
   * each profile's own `rowsOf`, summed — a merge's columns may come from different profiles).
   */
  static of(
    view: DatasetProfileView,
    merged?: { readonly rows: number; readonly profiles: number },
  ): ProfileDigest {
    const columns = new Map<string, ColumnDigest>()
    for (const [name, column] of view.columns) columns.set(name, ColumnDigest.of(column))
    return new ProfileDigest(merged?.rows ?? ProfileDigest.rowsOf(view), columns, merged?.profiles ?? 1)
  }

  /** A profile's rows: the largest `counts/n` of its columns. */
  static rowsOf(view: DatasetProfileView): number {
    let rows = 0
    for (const column of view.columns.values()) rows = Math.max(rows, column.counts?.n ?? 0)
    return rows
  }

  /** The merge of several digests: columns of any side, merged where several have them. */
  static merge(digests: ReadonlyArray<ProfileDigest>): ProfileDigest {
    const present = digests.filter((d) => d.profiles > 0)
    if (present.length === 0) return ProfileDigest.empty
    if (present.length === 1) return present[0] as ProfileDigest
    const byColumn = new Map<string, ColumnDigest[]>()
    let rows = 0
    let profiles = 0
    for (const digest of present) {
      rows += digest.rows
      profiles += digest.profiles
      for (const [name, column] of digest.columns) {
        const list = byColumn.get(name)
        if (list === undefined) byColumn.set(name, [column])
        else list.push(column)
      }
    }
    const columns = new Map<string, ColumnDigest>()
    for (const name of [...byColumn.keys()].sort()) {
      columns.set(name, ColumnDigest.merge(byColumn.get(name) as ColumnDigest[]) as ColumnDigest)
    }
    return new ProfileDigest(rows, columns, profiles)
  }

  /** Only `names` (the others dropped), for a query about a few columns. */
  select(names: ReadonlyArray<string>): ProfileDigest {
    const columns = new Map<string, ColumnDigest>()
    for (const name of names) {
      const column = this.columns.get(name)
      if (column !== undefined) columns.set(name, column)
    }
    return new ProfileDigest(this.rows, columns, this.profiles)
  }

  /** A rough size in memory, for the cache's budget. */
  get approximateBytes(): number {
    let bytes = 100
    for (const [name, column] of this.columns) bytes += name.length * 2 + column.approximateBytes
    return bytes
  }
}
