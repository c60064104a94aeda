import { Cause, Effect, Exit } from "effect"

/**
 * Runs an effect as a promise that rejects with the effect's own error (a `StoreError`, say), not
 * Effect's `FiberFailure` wrapper, so callers and `describeFailure` see the typed error.
 */
export const runEffect = async <A, E>(effect: Effect.Effect<A, E>): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}
