import { readFile, writeFile } from "node:fs/promises"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import { compareCodePoints } from "./CodePointOrder.js"
import { type ColumnProfileView, jsonSafe, type SummaryValue } from "./ColumnProfileView.js"
import { ProfileTotal } from "./internal/ProfileTotal.js"
import { decodeProfile } from "./internal/wire/ProfileReader.js"
import { encodeProfile } from "./internal/wire/ProfileWriter.js"
import { ProfileArgumentError, ProfileFormatError, ProfileIOError } from "./ProfileError.js"
import type { ProfileSegment } from "./Segment.js"

/** What a view is made of. Timestamps are UTC milliseconds. */
export interface DatasetProfileViewInit {
  readonly columns: ReadonlyMap<string, ColumnProfileView> | Iterable<readonly [string, ColumnProfileView]>
  readonly datasetTimestamp: number
  readonly creationTimestamp: number
  readonly tags?: Readonly<Record<string, string>> | undefined
  readonly metadata?: Readonly<Record<string, string>> | undefined
  readonly segment?: ProfileSegment | undefined
}

/** One column of a profile's summary, as its row of whylogs' `to_pandas()`: `type` and the metric fields. */
export type SummaryRow = Readonly<Record<string, SummaryValue>> & { readonly type: string }

/**
 * A profile's summary: whylogs' `to_pandas()` keyed by column name (pandas'
 * `df.to_dict("index")`), columns in whylogs' order. The one shape sketchlog gives a summary in:
 * `summary()`, `toJSON().columns` and the CLI's `inspect --json` agree.
 */
export type ProfileSummary = Readonly<Record<string, SummaryRow>>

/** `rows` keyed by column name (defined, not assigned: a column may be called `__proto__`). */
const byColumn = <A>(entries: Iterable<readonly [string, A]>): Record<string, A> => {
  const out: Record<string, A> = {}
  for (const [name, value] of entries) Object.defineProperty(out, name, { value, enumerable: true })
  return out
}

/**
 * An immutable profile: per column metrics, dataset and creation timestamps, tags, metadata and (for a
 * segmented profile) its segment. Views merge (replicas, time windows), summarise like whylogs'
 * `to_pandas()`, and serialize to whylogs v1 `.bin` bytes that whylogs reads, and back.
 */
export class DatasetProfileView {
  /** Columns in whylogs' (code point) name order. */
  readonly columns: ReadonlyMap<string, ColumnProfileView>
  readonly datasetTimestamp: number
  readonly creationTimestamp: number
  /** `properties.tags` (segment tags `whylogs.tag.*` of a segmented profile are in `segment`). */
  readonly tags: Readonly<Record<string, string>>
  readonly metadata: Readonly<Record<string, string>>
  readonly segment: ProfileSegment | undefined

  constructor(init: DatasetProfileViewInit) {
    const entries = Array.from(init.columns instanceof Map ? init.columns.entries() : init.columns)
    entries.sort(([a], [b]) => compareCodePoints(a, b))
    this.columns = new Map(entries)
    this.datasetTimestamp = init.datasetTimestamp
    this.creationTimestamp = init.creationTimestamp
    this.segment = init.segment
    this.tags = Object.freeze(withoutSegmentTags(init.tags ?? {}, init.segment))
    this.metadata = Object.freeze(Object.fromEntries(Object.entries(init.metadata ?? {})))
  }

  /** The column's view, if the profile has that column. */
  getColumn(name: string): ColumnProfileView | undefined {
    return this.columns.get(name)
  }

  /** Column names in order. */
  get columnNames(): ReadonlyArray<string> {
    return Array.from(this.columns.keys())
  }

  /**
   * whylogs' merge: columns present on either side, merged where on both; the earlier dataset and
   * creation timestamps; tags and metadata combined (the right side wins on a shared key); the segment
   * kept when both sides have the same one. To merge many profiles, `mergeAll` (or a
   * `ProfileAccumulator`) gives the same result without a new view per step.
   */
  merge(other: DatasetProfileView): DatasetProfileView {
    const total = new ProfileTotal(this)
    total.add(other)
    return new DatasetProfileView(total.content())
  }

  /**
   * The merge of every view, in order: what `views.reduce((a, b) => a.merge(b))` gives, with each
   * column's sketches merged in place into running totals. Throws `ProfileArgumentError` when there is
   * no view.
   */
  static mergeAll(views: Iterable<DatasetProfileView>): DatasetProfileView {
    let total: ProfileTotal | undefined
    for (const view of views) {
      if (total === undefined) total = new ProfileTotal(view)
      else total.add(view)
    }
    if (total === undefined) {
      throw new ProfileArgumentError({ argument: "views", reason: "mergeAll needs at least one view" })
    }
    return new DatasetProfileView(total.content())
  }

  /**
   * The summary whylogs' `to_pandas()` gives, keyed by column name: for each column `type`
   * ("SummaryType.COLUMN") and every metric field (`counts/n`, `distribution/median`,
   * `cardinality/est`, `frequent_items/frequent_strings`, `types/integral`, …), keys sorted.
   */
  summary(): ProfileSummary {
    return byColumn(
      Array.from(this.columns, ([name, column]): [string, SummaryRow] => {
        const fields: Record<string, SummaryValue> = { ...column.summary(), type: "SummaryType.COLUMN" }
        const row: Record<string, SummaryValue> = {}
        for (const key of Object.keys(fields).sort()) row[key] = fields[key] as SummaryValue
        return [name, row as SummaryRow]
      }),
    )
  }

  /**
   * A JSON-ready description: timestamps (ISO), tags, metadata, segment, and `columns`: the summary
   * (`summary()`), with NaN and ±Infinity spelled as strings.
   */
  toJSON(): Record<string, unknown> {
    const columns = byColumn(
      Object.entries(this.summary()).map(([name, row]) => [name, jsonSafe(row)] as const),
    )
    return {
      datasetTimestamp: new Date(this.datasetTimestamp).toISOString(),
      creationTimestamp: new Date(this.creationTimestamp).toISOString(),
      tags: this.tags,
      metadata: this.metadata,
      ...(this.segment === undefined
        ? {}
        : { segment: Object.fromEntries(this.segment.tags.map(({ key, value }) => [key, value])) }),
      columns,
    }
  }

  /** whylogs v1 `.bin` bytes (with whylogs' segment header and `segp_*` metadata when segmented). */
  serialize(): Uint8Array {
    return encodeProfile(this)
  }

  /** Read whylogs v1 bytes; throws `ProfileFormatError` (offset and field) when they are not a profile. */
  static deserialize(bytes: Uint8Array): DatasetProfileView {
    return new DatasetProfileView(decodeProfile(bytes))
  }

  /** Write the `.bin` file; rejects with `ProfileIOError`. */
  async write(path: string): Promise<void> {
    const bytes = this.serialize()
    try {
      await writeFile(path, bytes)
    } catch (cause) {
      throw new ProfileIOError({ operation: "write", path, cause })
    }
  }

  /** Read a `.bin` file; rejects with `ProfileIOError` or `ProfileFormatError`. */
  static async read(path: string): Promise<DatasetProfileView> {
    let bytes: Uint8Array
    try {
      bytes = await readFile(path)
    } catch (cause) {
      throw new ProfileIOError({ operation: "read", path, cause })
    }
    return DatasetProfileView.deserialize(bytes)
  }

  /** `write` through Effect's `FileSystem` (so tests can use an in-memory one). */
  writeEffect(path: string): Effect.Effect<void, ProfileIOError, FileSystem.FileSystem> {
    return Effect.flatMap(FileSystem.FileSystem, (fs) =>
      Effect.mapError(
        fs.writeFile(path, this.serialize()),
        (cause) => new ProfileIOError({ operation: "write", path, cause }),
      ),
    )
  }

  /** `read` through Effect's `FileSystem`. */
  static readEffect(
    path: string,
  ): Effect.Effect<DatasetProfileView, ProfileIOError | ProfileFormatError, FileSystem.FileSystem> {
    return Effect.flatMap(FileSystem.FileSystem, (fs) =>
      Effect.flatMap(
        Effect.mapError(fs.readFile(path), (cause) => new ProfileIOError({ operation: "read", path, cause })),
        (bytes) =>
          Effect.try({
            try: () => DatasetProfileView.deserialize(bytes),
            catch: (error) =>
              error instanceof ProfileFormatError
                ? error
                : new ProfileFormatError({ offset: 0, field: "profile", reason: String(error) }),
          }),
      ),
    )
  }
}

/** Segment tags live in `segment`; a read file repeats them in `properties.tags`. */
const withoutSegmentTags = (
  tags: Readonly<Record<string, string>>,
  segment: ProfileSegment | undefined,
): Record<string, string> => {
  const out = Object.fromEntries(Object.entries(tags))
  if (segment !== undefined) {
    for (const { key, value } of segment.tags) if (out[key] === value) delete out[key]
  }
  return out
}
