import { DatasetProfile, type DatasetProfileOptions, type Row } from "./DatasetProfile.js"
import { DatasetProfileView } from "./DatasetProfileView.js"
import { cutItem, doubleText, integerText } from "./internal/ItemText.js"
import { ProfileArgumentError } from "./ProfileError.js"
import { ProfileSegment } from "./Segment.js"

/** Options of a segmented profile: a profile's options plus the segmentation. */
export interface SegmentedDatasetProfileOptions extends DatasetProfileOptions {
  /** The columns whose values pick the segment (whylogs' column segmentation). */
  readonly segmentOn: ReadonlyArray<string>
  /** At most this many segments (default 200, whylogs' warning threshold); rows of further keys go to the overflow segment. */
  readonly maxSegments?: number | undefined
  /** The value every segment column takes in the overflow segment (default `"__overflow__"`). */
  readonly overflowValue?: string | undefined
}

/** Default cap on segments of one segmented profile. */
export const DEFAULT_MAX_SEGMENTS = 200

/**
 * A dataset partitioned by the values of `segmentOn` columns: one profile per key, each viewed with its
 * segment (whylogs' segment header, `whylogs.tag.<column>` tags, `segp_*` metadata) and written one
 * file per segment, as whylogs does. Keys are the values as Python's `str()` spells them ("True",
 * "None", "2.5"), cut to 128 code points. Past `maxSegments` keys, rows go to one overflow segment and
 * are counted in `overflowRows`, so memory stays bounded whatever the key cardinality.
 */
export class SegmentedDatasetProfile {
  readonly #options: DatasetProfileOptions
  readonly #segmentOn: ReadonlyArray<string>
  readonly #maxSegments: number
  readonly #overflowValue: string
  readonly #segments = new Map<string, { segment: ProfileSegment; profile: DatasetProfile }>()
  #overflow: { segment: ProfileSegment; profile: DatasetProfile } | undefined
  #overflowRows = 0

  constructor(options: SegmentedDatasetProfileOptions) {
    const { segmentOn, maxSegments, overflowValue, ...profileOptions } = options
    if (
      !Array.isArray(segmentOn) ||
      segmentOn.length === 0 ||
      !segmentOn.every((c) => typeof c === "string")
    ) {
      throw new ProfileArgumentError({ argument: "segmentOn", reason: "must list at least one column name" })
    }
    this.#segmentOn = Array.from(segmentOn)
    this.#maxSegments = maxSegments ?? DEFAULT_MAX_SEGMENTS
    if (!Number.isInteger(this.#maxSegments) || this.#maxSegments < 1) {
      throw new ProfileArgumentError({
        argument: "maxSegments",
        reason: `must be a positive integer, got ${maxSegments}`,
      })
    }
    this.#overflowValue = overflowValue ?? "__overflow__"
    // Fix the creation time once so every segment's profile shares it.
    this.#options = { ...profileOptions, creationTimestamp: profileOptions.creationTimestamp ?? Date.now() }
    new DatasetProfile(this.#options) // validates the shared options now rather than at the first row
  }

  /** Segments with their own key (the overflow segment not included). */
  get segmentCount(): number {
    return this.#segments.size
  }

  /** Rows that went to the overflow segment. */
  get overflowRows(): number {
    return this.#overflowRows
  }

  /** Fold one row into its segment's profile. Never throws. */
  track(row: Row): void {
    this.#profileFor(row).track(row)
  }

  /** Fold rows in, one by one. */
  trackRows(rows: Iterable<Row>): void {
    for (const row of rows) this.track(row)
  }

  /**
   * Fold a batch of columns in (`{ region: ["eu", "us"], age: [31, 45] }`, typed arrays too): row `i` is
   * the `i`-th value of every column and goes to the segment its `segmentOn` values pick, as `track`
   * would send it; a column shorter than the others simply has no value in the later rows. Never throws.
   */
  trackColumns(columns: Readonly<Record<string, ArrayLike<unknown>>>): void {
    let names: ReadonlyArray<string>
    try {
      names = Object.keys(columns)
    } catch {
      return
    }
    const arrays = names.map((name): ArrayLike<unknown> | undefined => {
      try {
        const values = columns[name]
        return typeof values?.length === "number" ? values : undefined
      } catch {
        return undefined
      }
    })
    let rows = 0
    for (const values of arrays) if (values !== undefined && values.length > rows) rows = values.length
    const keyColumns = this.#segmentOn.map((column) => {
      const at = names.indexOf(column)
      return at === -1 ? undefined : arrays[at]
    })
    // The rows of each segment, in order; one segment for the whole batch is the usual case.
    const groups = new Map<DatasetProfile, Array<number>>()
    const keyValues: Array<unknown> = new Array(keyColumns.length)
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < keyColumns.length; k++) keyValues[k] = cellAt(keyColumns[k], i)
      const profile = this.#profileForValues(keyValues)
      const group = groups.get(profile)
      if (group === undefined) groups.set(profile, [i])
      else group.push(i)
    }
    if (groups.size === 1) {
      for (const profile of groups.keys()) profile.trackColumns(columns)
      return
    }
    for (const [profile, indices] of groups) {
      // Null prototype: a column named `__proto__` stays a column.
      const part: Record<string, Array<unknown>> = Object.create(null)
      names.forEach((name, j) => {
        const values = arrays[j]
        if (values === undefined) return
        const cells: Array<unknown> = []
        for (const i of indices) if (i < values.length) cells.push(cellAt(values, i))
        part[name] = cells
      })
      profile.trackColumns(part)
    }
  }

  /** One view per segment (overflow last), each carrying its segment. */
  views(): ReadonlyArray<DatasetProfileView> {
    const entries = Array.from(this.#segments.values())
    if (this.#overflow !== undefined) entries.push(this.#overflow)
    return entries.map(({ segment, profile }) => {
      const view = profile.view()
      return new DatasetProfileView({
        columns: view.columns,
        datasetTimestamp: view.datasetTimestamp,
        creationTimestamp: view.creationTimestamp,
        tags: view.tags,
        metadata: view.metadata,
        segment,
      })
    })
  }

  #profileFor(row: Row): DatasetProfile {
    return this.#profileForValues(
      this.#segmentOn.map((column) => {
        try {
          return row !== null && typeof row === "object" ? row[column] : undefined
        } catch {
          return UNREADABLE_KEY
        }
      }),
    )
  }

  /** The profile of the segment these `segmentOn` values pick (created, or the overflow one). */
  #profileForValues(cells: ReadonlyArray<unknown>): DatasetProfile {
    const values = cells.map((cell) => {
      if (cell === UNREADABLE_KEY) return "[object]"
      try {
        return segmentText(cell) // a revoked proxy or a throwing `Symbol.toStringTag` throws here
      } catch {
        return "[object]"
      }
    })
    const key = values.length === 1 ? (values[0] as string) : JSON.stringify(values)
    let entry = this.#segments.get(key)
    if (entry === undefined) {
      if (this.#segments.size >= this.#maxSegments) {
        this.#overflowRows++
        if (this.#overflow === undefined) {
          const segment = new ProfileSegment(
            this.#segmentOn,
            this.#segmentOn.map(() => this.#overflowValue),
          )
          this.#overflow = { segment, profile: new DatasetProfile(this.#options) }
        }
        return this.#overflow.profile
      }
      entry = {
        segment: new ProfileSegment(this.#segmentOn, values),
        profile: new DatasetProfile(this.#options),
      }
      this.#segments.set(key, entry)
    }
    return entry.profile
  }
}

/** Stands for a segment value whose getter threw: its key is `"[object]"`. */
const UNREADABLE_KEY: object = Object.freeze({})

/** The `i`-th cell of a column, or `UNREADABLE_KEY` when reading it threw; undefined past its end. */
const cellAt = (values: ArrayLike<unknown> | undefined, i: number): unknown => {
  if (values === undefined || i >= values.length) return undefined
  try {
    return values[i]
  } catch {
    return UNREADABLE_KEY
  }
}

/** Python's `str(value)` for the values a segment column holds. */
export const segmentText = (value: unknown): string => {
  switch (typeof value) {
    case "string":
      return cutItem(value)
    case "number":
      if (Number.isInteger(value) && Math.abs(value) < 1e21) return integerText(value)
      if (!Number.isFinite(value)) return doubleText(value)
      return String(value)
    case "boolean":
      return value ? "True" : "False"
    case "bigint":
      return value.toString()
    case "undefined":
      return "None"
    default:
      return value === null ? "None" : Object.prototype.toString.call(value)
  }
}
