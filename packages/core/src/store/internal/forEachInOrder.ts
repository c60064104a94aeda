import { Deferred, Effect, FiberId } from "effect"

/**
 * Runs `fetch` on every item, at most `concurrency` at once, and hands each result to `consume` in
 * the order of `items`, one at a time: an item fetched early waits (holding its result) until every
 * item before it is consumed. So at most `concurrency` results exist at any time, and the consumer
 * sees the same order on every run whatever order the fetches finish in.
 *
 * One fiber per item and one `Deferred` per turn: a few µs an item, where the same pipeline as
 * `Stream.mapEffect({ concurrency })` stages cost 120–270 µs an item (measured in this repository).
 */
export const forEachInOrder = <A, B, E>(
  items: ReadonlyArray<A>,
  fetch: (item: A) => Effect.Effect<B, E>,
  consume: (result: B, item: A) => Effect.Effect<void, E>,
  concurrency: number,
): Effect.Effect<void, E> =>
  Effect.suspend(() => {
    // turns[i] is done once item i is consumed; item i + 1 waits for it.
    const turns = items.map(() => Deferred.unsafeMake<void>(FiberId.none))
    return Effect.forEach(
      items,
      (item, i) =>
        Effect.flatMap(fetch(item), (result) =>
          Effect.zipRight(
            i === 0 ? Effect.void : Deferred.await(turns[i - 1] as Deferred.Deferred<void>),
            Effect.zipRight(
              Effect.suspend(() => consume(result, item)),
              Deferred.succeed(turns[i] as Deferred.Deferred<void>, undefined),
            ),
          ),
        ),
      { concurrency: Math.max(1, concurrency), discard: true },
    )
  })
