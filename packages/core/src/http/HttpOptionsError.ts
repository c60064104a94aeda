import { Data } from "effect"

/**
 * An HTTP mapping option is invalid. `option` is its path (`sampleRate`, `limits.maxDepth`,
 * `segmentOn[1]`); `message` says what was expected. Option values are never echoed (a misplaced
 * secret could be among them), only their type.
 */
export class HttpOptionsError extends Data.TaggedError("HttpOptionsError")<{
  readonly option: string
  readonly message: string
}> {}
