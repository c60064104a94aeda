import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Path from "@effect/platform/Path"
import { Cause, Effect, Exit, Layer, Logger, LogLevel } from "effect"
import * as NodeFileSystem from "./NodeFileSystem.js"
import * as NodeHttpClient from "./NodeHttpClient.js"
import * as NodePath from "./NodePath.js"

/** Prints one line to stderr the way every sketchlog message looks: `sketchlog: <text>`. */
export const printLine = (level: "warning" | "error", text: string): void => {
  if (level === "error") console.error(`sketchlog: ${text}`)
  else console.warn(`sketchlog: ${text}`)
}

const textOf = (message: unknown): string =>
  Array.isArray(message) ? message.map((part) => String(part)).join(" ") : String(message)

/**
 * The logger of the Promise face: warnings and errors as single `sketchlog: …` lines on stderr,
 * nothing below. Effect users keep whatever logger they configured.
 */
export const consoleLoggerLayer: Layer.Layer<never> = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ logLevel, message }) => {
    if (LogLevel.lessThan(logLevel, LogLevel.Warning)) return
    printLine(LogLevel.greaterThanEqual(logLevel, LogLevel.Error) ? "error" : "warning", textOf(message))
  }),
)

/** The error a rejected promise carries: the typed failure itself (not a FiberFailure wrapper). */
export const errorOf = (cause: Cause.Cause<unknown>): unknown => Cause.squash(cause)

/** Settles a promise from an exit: the value, or the typed error. */
export const settle = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isSuccess(exit)) return exit.value
  throw errorOf(exit.cause)
}

/** Runs an effect that needs Node's file system, paths and HTTP client, with the Promise-face logger. */
export const runOnNode = <A, E>(
  effect: Effect.Effect<A, E, FileSystem.FileSystem | Path.Path | HttpClient.HttpClient>,
): Promise<A> =>
  Effect.runPromiseExit(
    effect.pipe(
      Effect.provide(
        Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeHttpClient.layer, consoleLoggerLayer),
      ),
    ),
  ).then(settle)
