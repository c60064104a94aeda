import { Data } from "effect"

/** `renderReport` was given nothing to report on, or options it cannot use. */
export class ReportInputError extends Data.TaggedError("ReportInputError")<{ readonly reason: string }> {
  override get message(): string {
    return this.reason
  }
}
