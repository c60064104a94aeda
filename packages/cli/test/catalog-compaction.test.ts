import { compactStore, DirectoryStore, StoreWriter } from "@sketchlog/core/store"
import { profileWriteOf } from "@sketchlog/core/testing"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { StoreCatalog } from "../src/catalog/StoreCatalog.js"
import { tempDir } from "./cliHarness.js"

const T0 = Date.UTC(2026, 11, 7, 16)
const HOUR = 3_600_000
let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(() => cleanup())

/** 3 replicas × 2 writes of 10 rows into one hour: 60 rows. */
const fill = async (store: DirectoryStore) => {
  for (const replica of ["a", "b", "c"]) {
    const writer = new StoreWriter({ store, replica })
    for (const write of [0, 1])
      await Effect.runPromise(
        writer.write(
          profileWriteOf(
            { x: Array.from({ length: 10 }, (_, i) => i + write) },
            { datasetId: "m", bucketStart: T0 },
          ),
        ),
      )
  }
}

/** The rows of the hour as a monitor that starts now sees them. */
const rows = async (store: DirectoryStore) =>
  (await new StoreCatalog(store).digest("m", { from: T0, to: T0 + HOUR })).digest.rows

describe("the monitor's catalog and compaction", () => {
  it("counts every row once before, during (merged object written, inputs not yet deleted) and after a compaction, and with later writes beside it", async () => {
    const store = new DirectoryStore(dir)
    await fill(store)
    expect(await rows(store)).toBe(60)
    let during: number | undefined
    await Effect.runPromise(
      compactStore(store, {
        onStep: async (step) => {
          if (step.step === "verified") during = await rows(store)
        },
      }),
    )
    expect(during).toBe(60)
    expect(await rows(store)).toBe(60)
    await fill(store)
    expect(await rows(store)).toBe(120)
  })
})
