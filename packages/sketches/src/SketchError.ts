/** What was wrong with the bytes or the arguments given to a sketch. */
export type SketchErrorReason =
  | "Truncated"
  | "Oversized"
  | "BadFamily"
  | "BadVersion"
  | "BadPreamble"
  | "BadFlags"
  | "BadParameter"
  | "Corrupt"
  | "Incompatible"

/**
 * The one error type every sketch throws: `reason` is stable for programs, `message` names the problem
 * for people (which sketch, which field, what was expected and what was found).
 */
export class SketchError extends Error {
  readonly _tag = "SketchError" as const
  override readonly name = "SketchError"
  constructor(
    readonly sketch: "KLL" | "HLL" | "FrequentItems" | "MurmurHash3",
    readonly reason: SketchErrorReason,
    message: string,
  ) {
    super(`${sketch}: ${message}`)
  }
}
