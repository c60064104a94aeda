import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Chunk, Effect, Stream } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { DatasetProfileView, LocalWriter } from "../src/index.js"
import {
  DirectoryStore,
  type ProfileStore,
  type ReadProgress,
  readMergedProfiles,
  StoreWriter,
} from "../src/store/index.js"
import { profileWriteOf } from "../src/testing.js"

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-reader-"))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const T0 = Date.UTC(2026, 11, 7, 16)
const MINUTE = 60_000
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

const writeOf = (datasetId: string, start: number, route: string, values: ReadonlyArray<number>) =>
  profileWriteOf({ x: values }, { datasetId, bucketStart: start, granularity: "minute", segment: { route } })

const fill = async (store: ProfileStore) => {
  const writers = ["r1", "r2", "r3"].map((replica) => new StoreWriter({ store, replica }))
  // 3 replicas × 3 minutes × 2 routes, minute buckets over two hours, and another dataset.
  for (const [i, writer] of writers.entries()) {
    for (const minute of [0, 1, 61]) {
      for (const route of ["/a", "/b"]) {
        await run(
          writer.write(writeOf("m", T0 + minute * MINUTE, route, [i, minute, route === "/a" ? 1 : 2])),
        )
      }
    }
    await run(writer.write(writeOf("other", T0, "/a", [1])))
  }
}

const n = (view: DatasetProfileView) => view.getColumn("x")?.counts?.n

describe("readMergedProfiles", () => {
  it("merges replicas per dataset, bucket and segment, sorted, saying which replicas it merged", async () => {
    const store = new DirectoryStore(dir)
    await fill(store)
    const read = await run(readMergedProfiles(store, { datasetId: "m" }))
    expect(read).toMatchObject({ listed: 18, merged: 18, superseded: 0, unreadable: [], conflicts: [] })
    expect(read.profiles.map((p) => [(p.timestamp - T0) / MINUTE, p.segment, p.objects, n(p.view)])).toEqual([
      [0, "route=/a", 3, 9],
      [0, "route=/b", 3, 9],
      [1, "route=/a", 3, 9],
      [1, "route=/b", 3, 9],
      [61, "route=/a", 3, 9],
      [61, "route=/b", 3, 9],
    ])
    expect(read.profiles[0]?.replicas).toEqual(["r1", "r2", "r3"])
    expect(read.profiles[0]?.view.segment?.values).toEqual(["/a"])
    expect(read.bytes).toBeGreaterThan(0)
  })

  it("merges into hour or day windows, across segments, or over the whole range", async () => {
    const store = new DirectoryStore(dir)
    await fill(store)
    const hours = await run(readMergedProfiles(store, { datasetId: "m", window: "hour" }))
    expect(hours.profiles.map((p) => [(p.timestamp - T0) / MINUTE, p.segment, n(p.view)])).toEqual([
      [0, "route=/a", 18],
      [0, "route=/b", 18],
      [60, "route=/a", 9],
      [60, "route=/b", 9],
    ])
    const all = await run(readMergedProfiles(store, { window: "all", mergeSegments: true }))
    expect(all.profiles.map((p) => [p.datasetId, p.timestamp, p.segment, n(p.view)])).toEqual([
      ["m", T0, undefined, 54],
      ["other", T0, undefined, 3],
    ])
    expect(all.profiles[0]?.view.segment).toBeUndefined()
    const narrow = await run(
      readMergedProfiles(store, {
        datasetId: "m",
        from: T0 + MINUTE,
        to: T0 + 2 * MINUTE,
        segment: "route=/b",
        window: "day",
      }),
    )
    expect(narrow.profiles.map((p) => [p.timestamp, n(p.view)])).toEqual([[Date.UTC(2026, 11, 7), 9]])
  })

  it("reports progress and keeps at most `concurrency` downloads in flight", async () => {
    const inner = new DirectoryStore(dir)
    await fill(inner)
    let inFlight = 0
    let most = 0
    const store: ProfileStore = {
      ...inner,
      url: inner.url,
      datasets: inner.datasets,
      list: (q) => inner.list(q),
      put: (k, b) => inner.put(k, b),
      remove: (k) => inner.remove(k),
      read: (key) =>
        Effect.acquireUseRelease(
          Effect.sync(() => {
            most = Math.max(most, ++inFlight)
          }),
          () => Effect.zipRight(Effect.sleep("2 millis"), inner.read(key)),
          () => Effect.sync(() => void inFlight--),
        ),
    }
    const seen: ReadProgress[] = []
    const read = await run(readMergedProfiles(store, { concurrency: 3, onProgress: (p) => seen.push(p) }))
    expect(read.merged).toBe(21)
    expect(most).toBeLessThanOrEqual(3)
    expect(most).toBeGreaterThan(1)
    expect(seen[0]).toEqual({ total: 21, done: 0, bytes: 0 })
    expect(seen.at(-1)).toMatchObject({ total: 21, done: 21 })
  })

  it("reads LocalWriter folders too", async () => {
    const local = new LocalWriter({ dir })
    await run(local.write(writeOf("m", T0, "/a", [1, 2])))
    await run(local.write(writeOf("m", T0, "/a", [3])))
    const read = await run(readMergedProfiles(new DirectoryStore(dir)))
    expect(read.profiles.map((p) => [p.datasetId, p.replicas, n(p.view)])).toEqual([["m", ["local"], 3]])
  })

  it("merges each output as a running total: the same bytes as chaining merges of its objects in key order", async () => {
    const store = new DirectoryStore(dir)
    await fill(store)
    const listed = await run(Stream.runCollect(store.list({ datasetId: "m" })))
    const read = await run(readMergedProfiles(store, { datasetId: "m", window: "hour", concurrency: 4 }))
    for (const profile of read.profiles) {
      const keys = Chunk.toReadonlyArray(listed)
        .filter(
          (p) =>
            p.segment === profile.segment &&
            Math.floor(p.timestamp / 3_600_000) * 3_600_000 === profile.timestamp,
        )
        .map((p) => p.key)
      const views = await Promise.all(
        keys.map(async (key) => DatasetProfileView.deserialize(await run(store.read(key)))),
      )
      const chained = views.slice(1).reduce((a, b) => a.merge(b), views[0] as DatasetProfileView)
      expect(profile.objects).toBe(keys.length)
      expect(Buffer.from(profile.view.serialize())).toEqual(Buffer.from(chained.serialize()))
    }
  })

  it("with skipUnreadable, leaves out an object that is not a profile — also the first of its output — and merges the rest exactly", async () => {
    const store = new DirectoryStore(dir)
    await fill(store)
    const [first] = Chunk.toReadonlyArray(await run(Stream.runCollect(store.list({ datasetId: "m" }))))
    await writeFile(join(dir, first?.key ?? ""), "not a profile")
    expect(await run(Effect.flip(readMergedProfiles(store, { datasetId: "m" })))).toMatchObject({
      reason: "unreadable",
      key: first?.key,
    })
    const seen: ReadProgress[] = []
    const read = await run(
      readMergedProfiles(store, { datasetId: "m", skipUnreadable: true, onProgress: (p) => seen.push(p) }),
    )
    expect(read.unreadable.map((e) => e.key)).toEqual([first?.key])
    expect(read.merged).toBe(17)
    expect(read.profiles.map((p) => [p.objects, n(p.view)])).toEqual([
      [2, 6],
      [3, 9],
      [3, 9],
      [3, 9],
      [3, 9],
      [3, 9],
    ])
    expect(seen.at(-1)).toMatchObject({ total: 18, done: 18 })
  })
})
