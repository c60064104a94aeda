import { Data } from "effect"
import type { IntakeIssue } from "./IntakeResult.js"

/** `createIntake` was given an unusable option (no token and no explicit `insecureNoAuth`, a bad limit). */
export class IntakeOptionsError extends Data.TaggedError("IntakeOptionsError")<{
  readonly option: string
  readonly reason: string
}> {
  override get message(): string {
    return `intake option ${this.option}: ${this.reason}`
  }
}

/** A body is not the message it should be: `issues` says where and why (never the values). */
export class IntakeDecodeError extends Data.TaggedError("IntakeDecodeError")<{
  readonly issues: ReadonlyArray<IntakeIssue>
}> {
  override get message(): string {
    const first = this.issues[0]
    const more = this.issues.length > 1 ? ` (and ${this.issues.length - 1} more)` : ""
    return first === undefined ? "invalid request" : `${first.path}: ${first.message}${more}`
  }
}
