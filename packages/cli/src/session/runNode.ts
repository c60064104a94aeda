import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import { NodeFileSystem, NodePath } from "@sketchlog/core/node"
import { Cause, Effect, Exit, Layer, Option } from "effect"

/**
 * Runs one of core's Effect operations (config file reads and writes, the outbox) on Node's file system and
 * rejects with its typed error itself, so `describeFailure` can map it to an exit code.
 */
export const runNode = async <A, E>(
  effect: Effect.Effect<A, E, FileSystem.FileSystem | Path.Path>,
): Promise<A> => {
  const exit = await Effect.runPromiseExit(
    Effect.provide(effect, Layer.merge(NodeFileSystem.layer, NodePath.layer)),
  )
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.failureOption(exit.cause)
  throw Option.isSome(failure) ? failure.value : Cause.squash(exit.cause)
}
