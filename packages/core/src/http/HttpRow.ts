/**
 * A value in a row built from an exchange: only JSON scalars. `null` means "known to be absent or
 * unknown" (an unknown size, no error), so every fixed column counts every request.
 */
export type HttpRowValue = string | number | boolean | null

/**
 * A flat row, column name → value, built on a null-prototype object so that no key (`__proto__`,
 * `constructor`) can reach `Object.prototype`. It is a plain `Record`, so it goes straight to a profile.
 */
export type HttpRow = Record<string, HttpRowValue>

/** Why an exchange produced no row. */
export type HttpSkipReason =
  /** The `ignore` predicate returned true. */
  | "ignored"
  /** Not drawn by `sampleRate`. */
  | "sampled-out"
  /** A user callback (`ignore`, `datasetId`) threw; the thrown value is in `cause`. */
  | "callback-failed"
  /** The exchange object itself could not be read (a getter threw); nothing of it is kept. */
  | "unreadable-exchange"
  /** The application excluded it after it arrived (Nest's `@SkipProfiling()`); nothing of it is read. */
  | "excluded"

/** A row ready for the logger, with what the logger needs to file it. */
export interface HttpRowMapped {
  readonly _tag: "Row"
  readonly row: HttpRow
  /** The dataset chosen by the `datasetId` option; `undefined` means the adapter's default dataset. */
  readonly datasetId: string | undefined
  /**
   * The segment key: column name → value for each `segmentOn` column, in that order (empty when the
   * dataset is not segmented), spelled as the segmented profile spells segment values (`segmentText`:
   * `"None"` for null, `"True"`/`"False"`, `"404"`). The same values are in `row`.
   */
  readonly segment: Readonly<Record<string, string>>
  /** When the request arrived, epoch milliseconds (the profile's time bucket is taken from it). */
  readonly timestamp: number
}

/** An exchange that produced no row, and why (the logger counts these by reason). */
export interface HttpRowSkipped {
  readonly _tag: "Skipped"
  readonly reason: HttpSkipReason
  /** What a user callback threw, for `"callback-failed"`; never logged by core. */
  readonly cause?: unknown
}

/** The outcome of mapping one exchange. */
export type HttpRowResult = HttpRowMapped | HttpRowSkipped
