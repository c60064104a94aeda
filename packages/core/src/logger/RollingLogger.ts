import { Context, Effect, Layer, type Scope } from "effect"
import { Session } from "../session/Session.js"
import { MemoryWriter } from "../writers/MemoryWriter.js"
import { makeRollingLogger } from "./internal/makeRollingLogger.js"
import type { LoggerOptionsError } from "./LoggerError.js"
import type { RollingLoggerOptions } from "./LoggerOptions.js"
import type { RollingLoggerService } from "./RollingLoggerService.js"

/**
 * The rolling logger service. `RollingLogger.layer(options)` starts one over the `Session` of the
 * context (its event channel, and the default `WhyLabsWriter`'s uploads); the logger lives as long
 * as the layer's scope and closes (writing everything) when it ends.
 *
 * ```ts
 * const program = Effect.gen(function* () {
 *   const logger = yield* RollingLogger
 *   yield* logger.log({ route: "/users", ms: 12 }, { datasetId: "model-1" })
 * })
 * program.pipe(
 *   Effect.provide(RollingLogger.layer({ aggregateBy: "hour", writers: [new LocalWriter({ dir: "profiles" })] })),
 *   Effect.provide(Session.layerLocal),
 *   Effect.runPromise,
 * )
 * ```
 */
export class RollingLogger extends Context.Tag("@sketchlog/core/RollingLogger")<
  RollingLogger,
  RollingLoggerService
>() {
  /** Starts a logger in the current scope (closed with it). */
  static make(
    options: RollingLoggerOptions = {},
  ): Effect.Effect<RollingLoggerService, LoggerOptionsError, Session | Scope.Scope> {
    return Effect.flatMap(Session, (session) =>
      Effect.map(makeRollingLogger(options, { session }), (engine) => engine.service),
    )
  }

  /** A layer with a logger over the context's `Session`. */
  static layer(options: RollingLoggerOptions = {}): Layer.Layer<RollingLogger, LoggerOptionsError, Session> {
    return Layer.scoped(RollingLogger, RollingLogger.make(options))
  }

  /**
   * For tests: a logger on the test's thread whose write schedule and missing timestamps follow the
   * context's `Clock` (drive it with `TestClock.adjust`), writing to a `MemoryWriter` unless
   * `writers` are given, with no outbox on disk unless `outboxDir` is given, and short retry delays.
   * Compose it with `Session.layerTest()`.
   */
  static layerTest(
    options: RollingLoggerOptions = {},
  ): Layer.Layer<RollingLogger, LoggerOptionsError, Session> {
    return RollingLogger.layer({
      ...options,
      writers: options.writers ?? [new MemoryWriter()],
      outboxDir: options.outboxDir ?? false,
      retry: { baseDelay: "10 millis", maxDelay: "100 millis", ...options.retry },
      mode: "in-thread",
    })
  }
}
