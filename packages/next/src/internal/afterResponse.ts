/** Next.js's `after()`: runs a task once the response has been sent (or failed). */
export type AfterFunction = (task: () => Promise<unknown>) => void

/** How a profiling task was scheduled. */
export type AfterMode = "after" | "fallback"

/**
 * Runs `task` once the response is out of the handler's hands. With Next.js's `after()` (App Router
 * route handlers on Next 15+), the task runs after the response has been sent, and Next.js keeps the
 * server alive until it settles (also through a graceful shutdown). Where `after()` is missing or
 * refuses (outside a Next.js request scope: a unit test, a custom server), the task starts at once,
 * unawaited: it still never delays the response, whose body it reads only through a clone.
 * `track` hears of every task started, so that a shutdown can wait for it.
 */
export const runAfterResponse = (
  after: AfterFunction | undefined,
  task: () => Promise<void>,
  track: (running: Promise<void>) => void,
): AfterMode => {
  const start = (): Promise<void> => {
    const running = task().catch(() => undefined)
    track(running)
    return running
  }
  if (after !== undefined) {
    try {
      after(start)
      return "after"
    } catch {
      // `after()` throws outside a request scope; fall through.
    }
  }
  void start()
  return "fallback"
}
