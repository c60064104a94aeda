import { Data } from "effect"

/**
 * Profiling could not start or a row could not be taken: `reason` says why in words a user can act
 * on (`"the session could not be resolved: …"`, `"the profiler is closed"`). Never carries a secret:
 * the causes it wraps (session and logger errors) are themselves secret-free.
 */
export class HttpProfilerError extends Data.TaggedError("HttpProfilerError")<{
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.reason
  }
}
