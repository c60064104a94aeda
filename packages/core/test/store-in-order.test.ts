import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { forEachInOrder } from "../src/store/internal/forEachInOrder.js"

describe("forEachInOrder (the reader's downloads and merges)", () => {
  it("consumes in the order of the items however the fetches finish, with at most `concurrency` results held", async () => {
    const items = Array.from({ length: 40 }, (_, i) => i)
    const consumed: number[] = []
    let held = 0
    let most = 0
    await Effect.runPromise(
      forEachInOrder(
        items,
        // Later items finish first within each run of four.
        (i) =>
          Effect.as(Effect.sleep(`${(4 - (i % 4)) * 3} millis`), i).pipe(
            Effect.tap(() => {
              most = Math.max(most, ++held)
            }),
          ),
        (result, item) =>
          Effect.sync(() => {
            expect(result).toBe(item)
            consumed.push(result)
            held--
          }),
        4,
      ),
    )
    expect(consumed).toEqual(items)
    expect(most).toBeLessThanOrEqual(4)
    expect(most).toBeGreaterThan(1)
  })

  it("fails with the first failure and consumes nothing after it", async () => {
    const consumed: number[] = []
    const result = await Effect.runPromise(
      Effect.flip(
        forEachInOrder(
          [0, 1, 2, 3, 4, 5],
          (i) => (i === 3 ? Effect.fail(`item ${i}`) : Effect.succeed(i)),
          (i) => Effect.sync(() => void consumed.push(i)),
          2,
        ),
      ),
    )
    expect(result).toBe("item 3")
    expect(consumed.every((i) => i < 3)).toBe(true)
  })
})
