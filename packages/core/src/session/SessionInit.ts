import { Layer, ManagedRuntime } from "effect"
import { consoleLoggerLayer, settle } from "../node/promiseRuntime.js"
import { noticeLocalMode } from "./LocalModeNotice.js"
import { Session } from "./Session.js"
import { SessionHandle } from "./SessionHandle.js"
import type { SessionOptions } from "./SessionOptions.js"

let current: Promise<SessionHandle> | undefined
let currentHandle: SessionHandle | undefined
/** The promise that produced `currentHandle` (`current` moves on to a new one during `reinit`). */
let currentHandleOrigin: Promise<SessionHandle> | undefined

const forget = (handle: SessionHandle) => {
  if (currentHandle !== handle) return
  if (current === currentHandleOrigin) current = undefined
  currentHandle = undefined
  currentHandleOrigin = undefined
}

/** Opens a session outside the registry of the current session. */
const open = async (options: SessionOptions): Promise<SessionHandle> => {
  const runtime = ManagedRuntime.make(Layer.provideMerge(Session.layer(options), consoleLoggerLayer))
  const exit = await runtime.runPromiseExit(Session)
  if (exit._tag === "Failure") await runtime.dispose()
  return new SessionHandle(runtime, settle(exit), forget)
}

/**
 * Resolves and opens the process's session (see the README for the resolution order) and makes it
 * the current one. Idempotent: while a session is open, `init()` returns it and ignores `options`,
 * unless `reinit: true`, which closes it and resolves again. Rejects with the typed error
 * (`SessionInitError`, `ConfigError`, `ApiKeyError`).
 */
export const init = (options: SessionOptions = {}): Promise<SessionHandle> => {
  if (current !== undefined && options.reinit !== true) return current
  const previous = current
  let opening: Promise<SessionHandle> | undefined
  opening = (async () => {
    const old = await previous?.catch(() => undefined)
    await old?.close()
    const handle = await open(options)
    if (current === opening) {
      currentHandle = handle
      currentHandleOrigin = opening
    }
    return handle
  })()
  current = opening
  opening.catch(() => {
    if (current === opening) current = undefined
  })
  return opening
}

/** The current session, if one is open. */
export const getCurrentSession = (): SessionHandle | undefined => currentHandle

/**
 * The current session, or one opened with the defaults (never prompting). When that resolves to a
 * local session, says once per process, in one line, where the profiles stay (`localProfiles`, e.g.
 * "in /app/sketchlog-profiles/<dataset>/ (the first file 10 s after the first request, …)") and how
 * to configure uploads. Adapters call this when the user did not call `init()`.
 */
export const defaultInit = async (localProfiles?: string): Promise<SessionHandle> => {
  if (current !== undefined) return current
  const session = await init({ interactive: false })
  if (session.kind === "local") noticeLocalMode(localProfiles)
  return session
}
