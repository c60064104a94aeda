import { closeSharedHttpProfilers } from "@sketchlog/core/adapter"
import { processState } from "../processState.js"

/** The signals a server is stopped with; the exit codes are those the default action would give. */
const signals = { SIGTERM: 143, SIGINT: 130 } as const

type Signal = keyof typeof signals

/**
 * Closes every profiler (each writes all its profiles) when the process is told to stop, once per
 * process. The order matters: requests still running must be profiled first, and Next.js's own
 * handler (`next start`) first closes the server, waits for its requests and their `after()` work,
 * then calls `process.exit()`. So when another listener handles the signal, the profilers are closed
 * when it calls `process.exit()`, which waits for that; when none does, they are closed at once and
 * the process then exits with the code the signal's default action gives.
 */
export const closeOnShutdownSignals = (): void => {
  const state = processState()
  if (state.shutdownHooked) return
  state.shutdownHooked = true
  for (const signal of Object.keys(signals) as Array<Signal>) {
    const onSignal = () => {
      for (const s of Object.keys(signals) as Array<Signal>) process.off(s, handlers[s])
      if (process.listenerCount(signal) > 0) closeBeforeExit()
      else void closeAll().finally(() => process.exit(signals[signal]))
    }
    handlers[signal] = onSignal
    process.on(signal, onSignal)
  }
}

const handlers = {} as Record<Signal, () => void>

let closing: Promise<void> | undefined

/** Waits for the profiling work still running, then closes every profiler. Never rejects. */
export const closeAll = (): Promise<void> => {
  closing ??= (async () => {
    const { pending } = processState()
    while (pending.size > 0) await Promise.allSettled([...pending])
    await closeSharedHttpProfilers().catch(() => undefined)
  })()
  return closing
}

/** Makes the next `process.exit()` wait until every profiler is closed. */
const closeBeforeExit = (): void => {
  const exit = process.exit
  process.exit = ((code?: number | string | null) => {
    process.exit = exit
    void closeAll().finally(() => exit.call(process, code ?? undefined))
    return undefined as never
  }) as typeof process.exit
}
