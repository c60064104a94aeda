/**
 * Tells whether the application listens for SIGTERM, which is what `app.enableShutdownHooks()` does:
 * it compares SIGTERM's listeners now with those present when the module was created (before the
 * application could enable anything), so a listener some other code added earlier does not count.
 */
export class ShutdownHooksProbe {
  readonly #before = new Set(process.listeners("SIGTERM"))

  /** Whether a SIGTERM listener was added since this probe was made. */
  enabled(): boolean {
    return process.listeners("SIGTERM").some((listener) => !this.#before.has(listener))
  }
}

let hinted = false

/** Runs `print` the first time it is called in this process only: the hint is worth one line. */
export const onceProcessWide = (print: () => void): void => {
  if (hinted) return
  hinted = true
  print()
}

/** The hint printed when shutdown hooks are off. */
export const SHUTDOWN_HINT =
  "shutdown hooks are off: profiles still in memory are lost if the process is stopped by a signal. " +
  "Call app.enableShutdownHooks() before app.listen() (SessionModule then writes everything on SIGTERM), " +
  "or await app.close() yourself."
