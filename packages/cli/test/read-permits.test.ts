import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { ReadPermits } from "../src/catalog/ReadPermits.js"

describe("the catalog's read permits", () => {
  it("run at most `count` reads at once, first come first served, and give a permit back after a failure", async () => {
    const permits = new ReadPermits(3)
    let running = 0
    let most = 0
    const started: number[] = []
    const read = (i: number) =>
      permits.with(
        Effect.gen(function* () {
          started.push(i)
          most = Math.max(most, ++running)
          yield* Effect.sleep("1 millis")
          running--
          if (i % 7 === 0) return yield* Effect.fail(`read ${i} failed`)
          return i
        }),
      )
    // 2,000 reads waiting at once: what a 14-day series of a large store asks for.
    const results = await Promise.all(
      Array.from({ length: 2_000 }, (_, i) => Effect.runPromise(Effect.either(read(i)))),
    )
    expect(most).toBe(3)
    expect(started).toEqual(Array.from({ length: 2_000 }, (_, i) => i))
    expect(results.filter((r) => r._tag === "Left")).toHaveLength(286)
    expect(await Effect.runPromise(read(1))).toBe(1)
  })
})
