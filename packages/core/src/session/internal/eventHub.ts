import * as FileSystem from "@effect/platform/FileSystem"
import { Clock, Effect, ExecutionStrategy, Exit, Fiber, PubSub, Queue, Schema, Scope, Stream } from "effect"
import { SessionFileError } from "../SessionError.js"
import { type EventVerbosity, SessionEvent, verbosityOf } from "../SessionEvent.js"
import type { SessionService } from "../SessionService.js"

/** The event side of a session. */
export type EventHub = Pick<SessionService, "publish" | "subscribe" | "events" | "follow" | "logEventsToFile">

const encodeEvent = Schema.encodeSync(SessionEvent)
const encoder = new TextEncoder()

/**
 * Makes the event channel of a session: a sliding PubSub (a subscriber that falls behind loses the
 * oldest events rather than slowing the publisher), followers that run as daemon fibers (they wait
 * on a queue, which holds no timer or handle, so they never keep the process alive), and the event
 * file logger.
 */
export const makeEventHub = (
  capacity: number,
): Effect.Effect<EventHub, never, Scope.Scope | FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const sessionScope = yield* Effect.scope
    const fs = yield* FileSystem.FileSystem
    const pubsub = yield* PubSub.sliding<SessionEvent>(capacity)

    const publish = (event: SessionEvent) => Effect.asVoid(PubSub.publish(pubsub, event))

    /** Runs `handler` over a subscription living in `scope`; closing `scope` drains, then ends it. */
    const followIn = (scope: Scope.Scope, handler: (event: SessionEvent) => Effect.Effect<void>) =>
      Effect.gen(function* () {
        const queue = yield* Scope.extend(PubSub.subscribe(pubsub), scope)
        const safe = (event: SessionEvent) =>
          handler(event).pipe(
            Effect.catchAllCause((cause) => Effect.logWarning("a session event handler failed", cause)),
          )
        const fiber = yield* Queue.take(queue).pipe(
          Effect.flatMap((event) => Effect.uninterruptible(safe(event))),
          Effect.forever,
          Effect.forkDaemon,
        )
        // Added after the subscription, so it runs before the unsubscription: nothing published
        // before the stop is lost.
        yield* Scope.addFinalizer(
          scope,
          Effect.gen(function* () {
            yield* Fiber.interrupt(fiber)
            const rest = yield* Queue.takeAll(queue)
            yield* Effect.forEach(rest, safe, { discard: true })
          }),
        )
      })

    const follow: EventHub["follow"] = (handler) =>
      Effect.gen(function* () {
        const scope = yield* Scope.fork(sessionScope, ExecutionStrategy.sequential)
        yield* followIn(scope, handler)
        return Scope.close(scope, Exit.void)
      })

    const logEventsToFile = (path: string, verbosity: EventVerbosity = 1) =>
      Effect.gen(function* () {
        const scope = yield* Scope.fork(sessionScope, ExecutionStrategy.sequential)
        const file = yield* Scope.extend(fs.open(path, { flag: "a", mode: 0o600 }), scope).pipe(
          Effect.mapError(
            (error) => new SessionFileError({ path, operation: "open", reason: error.message }),
          ),
          Effect.tapError(() => Scope.close(scope, Exit.void)),
        )
        yield* followIn(scope, (event) =>
          verbosityOf(event) > verbosity
            ? Effect.void
            : Effect.gen(function* () {
                const time = new Date(yield* Clock.currentTimeMillis).toISOString()
                const line = `${JSON.stringify({ time, ...encodeEvent(event) })}\n`
                yield* file.writeAll(encoder.encode(line))
              }).pipe(
                Effect.catchAll((error) => Effect.logWarning(`cannot append to ${path}: ${error.message}`)),
              ),
        )
        return Scope.close(scope, Exit.void)
      })

    return {
      publish,
      subscribe: PubSub.subscribe(pubsub),
      events: Stream.fromPubSub(pubsub),
      follow,
      logEventsToFile,
    }
  })
