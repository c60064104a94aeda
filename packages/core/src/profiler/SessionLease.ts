import { Effect, RcMap, Scope } from "effect"
import type { SessionHandle } from "../session/SessionHandle.js"
import { defaultInit, getCurrentSession, init } from "../session/SessionInit.js"
import type { HttpProfilerOptions } from "./HttpProfilerOptions.js"
import { localProfilesOf } from "./ProfilerLogger.js"

/**
 * Sessions profilers opened themselves (no session was given and none was open), each shared by every
 * profiler using it: a lease is a reference, and the last one to go closes the session, whichever
 * profiler opened it. Sessions the application gave or opened are never leased, so never closed here.
 */
let openedSessions: RcMap.RcMap<SessionHandle, SessionHandle> | undefined

const sessions = (): RcMap.RcMap<SessionHandle, SessionHandle> => {
  openedSessions ??= Effect.runSync(
    RcMap.make({
      lookup: (session: SessionHandle) =>
        Effect.acquireRelease(Effect.succeed(session), (opened) =>
          Effect.promise(() => opened.close().catch(() => undefined)),
        ),
    }).pipe(Scope.extend(Effect.runSync(Scope.make()))),
  )
  return openedSessions
}

/** A reference to a session profilers opened, taken at once (the lookup is synchronous). */
const lease = (session: SessionHandle, scope: Scope.Scope): SessionHandle =>
  Effect.runSync(RcMap.get(sessions(), session).pipe(Scope.extend(scope)))

/**
 * The session a profiler runs on, held in `scope` (closing the scope lets go of it): the `session`
 * option, else the current session (leased when profilers opened it), else one opened with
 * `sessionOptions` (`init`) or the defaults (`defaultInit`), leased.
 */
export const leaseSession = async (
  options: HttpProfilerOptions,
  scope: Scope.Scope,
): Promise<SessionHandle> => {
  if (options.session !== undefined) return options.session
  const current = getCurrentSession()
  if (current !== undefined && !current.closed) {
    const openedByProfilers = Effect.runSync(RcMap.has(sessions(), current))
    return openedByProfilers ? lease(current, scope) : current
  }
  const opened =
    options.sessionOptions === undefined
      ? await defaultInit(localProfilesOf(options))
      : await init(options.sessionOptions)
  return lease(opened, scope)
}
