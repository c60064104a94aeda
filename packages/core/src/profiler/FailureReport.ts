import { printLine } from "../node/promiseRuntime.js"
import type { HttpProfilerError } from "./HttpProfilerError.js"

/**
 * How a profiler tells the user about failures off the request path (the session cannot be
 * resolved, a callback threw, the logger refuses rows): once per kind of failure, through the
 * `onError` option, else one `sketchlog: …` line on stderr. Keeps the last failure for the status.
 */
export class FailureReport {
  /** The last failure, in words. */
  lastError: string | undefined
  readonly #reported = new Set<string>()
  readonly #onError: ((error: HttpProfilerError) => void) | undefined

  constructor(onError: ((error: HttpProfilerError) => void) | undefined) {
    this.#onError = onError
  }

  /** Records `error` as the last failure and tells the user the first time this `kind` happens. */
  report(kind: string, error: HttpProfilerError): void {
    this.lastError = error.reason
    if (this.#reported.has(kind)) return
    this.#reported.add(kind)
    if (this.#onError === undefined) {
      printLine("warning", error.reason)
      return
    }
    try {
      this.#onError(error)
    } catch {
      // A throwing error callback must not break profiling, nor the requests behind it.
    }
  }
}
