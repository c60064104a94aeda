import { Data } from "effect"
import { causeText } from "../internal/causeText.js"

/**
 * The bytes given as a whylogs v1 profile are not one: `offset` is the byte position (from the start of
 * the input) where reading failed and `field` names what was being read there (`magic`,
 * `DatasetProfileHeader`, `column "age" / distribution/kll`, …), so a user can tell a truncated upload
 * from a file of another format.
 */
export class ProfileFormatError extends Data.TaggedError("ProfileFormatError")<{
  readonly offset: number
  readonly field: string
  readonly reason: string
}> {
  override get message(): string {
    return `not a readable whylogs v1 profile: ${this.field} at byte ${this.offset}: ${this.reason}`
  }
}

/** Reading or writing a profile file failed (the operating system's error is kept as `cause`). */
export class ProfileIOError extends Data.TaggedError("ProfileIOError")<{
  readonly operation: "read" | "write"
  readonly path: string
  readonly cause: unknown
}> {
  override get message(): string {
    return `could not ${this.operation} profile file ${this.path}: ${causeText(this.cause)}`
  }
}

/** An argument given to a profile API is unusable (a bad schema type, a bad segment option, …). */
export class ProfileArgumentError extends Data.TaggedError("ProfileArgumentError")<{
  readonly argument: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.argument}: ${this.reason}`
  }
}
