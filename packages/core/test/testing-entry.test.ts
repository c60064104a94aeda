// The example of the README's "Testing your code" section, run as written (it imports the
// `@sketchlog/core/testing` entry, as a user's suite does).
import { describe, expect, it } from "@effect/vitest"
import { MemoryWriter, RollingLogger, Session } from "@sketchlog/core/testing"
import { Effect, Layer, TestClock } from "effect"

describe("@sketchlog/core/testing", () => {
  it.effect("profiles what the code under test logs, written on the TestClock's schedule", () => {
    const memory = new MemoryWriter()
    const TestLive = RollingLogger.layerTest({ datasetId: "model-1", writers: [memory] }).pipe(
      Layer.provide(Session.layerTest()),
    )
    return Effect.gen(function* () {
      const logger = yield* RollingLogger
      yield* logger.log({ route: "/predict", ms: 12 })
      yield* logger.log({ route: "/predict", ms: 30 })
      // The default schedule writes every 5 minutes, at wall-clock boundaries of the TestClock.
      yield* TestClock.adjust("5 minutes")
      yield* memory.waitForWrites(1)
      expect(memory.totalCount("ms")).toBe(2)
      expect(memory.writes[0]?.view.getColumn("ms")?.distribution?.mean).toBe(21)
    }).pipe(Effect.provide(TestLive))
  })
})
