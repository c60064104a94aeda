import { stat, unlink, utimes } from "node:fs/promises"
import { join } from "node:path"
import { DirectoryStore, StoreWriter } from "@sketchlog/core/store"
import { profileWriteOf } from "@sketchlog/core/testing"
import { Chunk, Effect, Stream } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { StoreCatalog } from "../src/catalog/StoreCatalog.js"
import { tempDir } from "./cliHarness.js"

const T0 = Date.UTC(2026, 11, 7, 16)
const HOUR = 3_600_000
const range = { from: T0, to: T0 + HOUR }
let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(() => cleanup())

const write = (store: DirectoryStore, replica: string, values: ReadonlyArray<number>) =>
  Effect.runPromise(
    new StoreWriter({ store, replica }).write(
      profileWriteOf({ x: values }, { datasetId: "m", bucketStart: T0 }),
    ),
  )

const keys = async (store: DirectoryStore) =>
  Chunk.toReadonlyArray(await Effect.runPromise(Stream.runCollect(store.list()))).map((p) => p.key)

/** What the catalog shows of the hour: rows, the largest x, and the hourly series' rows. */
const seen = async (catalog: StoreCatalog) => {
  const { digest } = await catalog.digest("m", range)
  const series = await catalog.series("m", range, "hour")
  return {
    rows: digest.rows,
    max: digest.columns.get("x")?.kll?.max,
    seriesRows: series.points.map((p) => p.rows),
  }
}

describe("the monitor's catalog follows the store's listing", () => {
  it("a cached digest and series change when a profile is added, written again with the same size, or removed", async () => {
    const store = new DirectoryStore(dir)
    await write(store, "a", [1, 1, 1])
    const catalog = new StoreCatalog(store)
    expect(await seen(catalog)).toEqual({ rows: 3, max: 1, seriesRows: [3] })
    const reads = catalog.reads

    // Asked again with the same listing: answered from the cache, nothing read.
    expect(await seen(catalog)).toEqual({ rows: 3, max: 1, seriesRows: [3] })
    expect(catalog.reads).toBe(reads)

    // Another replica's profile: the hour is brought up to date, only the new object is read.
    await write(store, "b", [2, 2])
    await catalog.refresh()
    expect(await seen(catalog)).toEqual({ rows: 5, max: 2, seriesRows: [5] })
    expect(catalog.reads).toBe(reads + 1)

    // The first object written again under its key with other values of the same size: its
    // modification time tells the catalog, which reads it again.
    const [first] = await keys(store)
    const path = join(dir, first as string)
    const before = (await stat(path)).size
    const other = profileWriteOf({ x: [7, 7, 7] }, { datasetId: "m", bucketStart: T0 })
    const bytes = other.bytes ?? other.view.serialize()
    expect(bytes.byteLength).toBe(before)
    await Effect.runPromise(store.put(first as string, bytes))
    await utimes(path, new Date(), new Date(Date.now() + 5_000))
    await catalog.refresh()
    expect(await seen(catalog)).toEqual({ rows: 5, max: 7, seriesRows: [5] })

    // Removed: the hour is read again without it.
    await unlink(path)
    await catalog.refresh()
    expect(await seen(catalog)).toEqual({ rows: 2, max: 2, seriesRows: [2] })
  })
})
