import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Chunk, Effect, Stream } from "effect"
import fc from "fast-check"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  COMPACTED_REPLICA,
  type CompactionStep,
  compactStore,
  DirectoryStore,
  type ProfileStore,
  parseProfileKey,
  REPLACES_METADATA,
  readMergedProfiles,
  readStoredProfile,
  type StoredProfile,
  StoreWriter,
} from "../src/store/index.js"
import { resolveGroup } from "../src/store/Supersession.js"
import { profileWriteOf } from "../src/testing.js"

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-compaction-"))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const T0 = Date.UTC(2026, 11, 7, 16)
const HOUR = 3_600_000
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const keys = (store: ProfileStore) =>
  run(Stream.runCollect(store.list())).then((all) => Chunk.toArray(all).map((p) => p.key))

const writeOf = (rows: number, hour: number, route: string | undefined) =>
  profileWriteOf(
    { x: Array.from({ length: rows }, (_, i) => i) },
    { datasetId: "m", bucketStart: T0 + hour * HOUR, segment: route === undefined ? undefined : { route } },
  )

/** Σ counts/n of x per "hour|segment" as the merging reader sees the store. */
const sums = async (store: ProfileStore): Promise<Record<string, number>> => {
  const read = await run(readMergedProfiles(store))
  const out: Record<string, number> = {}
  for (const p of read.profiles) {
    out[`${(p.timestamp - T0) / HOUR}|${p.segment ?? ""}`] = p.view.getColumn("x")?.counts?.n ?? 0
  }
  return out
}

/** Writes `plan` (rows, hour, route) through one writer per replica; returns the expected sums. */
const fill = async (
  store: ProfileStore,
  plan: ReadonlyArray<readonly [number, number, string | undefined, string]>,
) => {
  const writers = new Map<string, StoreWriter>()
  const expected: Record<string, number> = {}
  for (const [rows, hour, route, replica] of plan) {
    const writer = writers.get(replica) ?? new StoreWriter({ store, replica })
    writers.set(replica, writer)
    await run(writer.write(writeOf(rows, hour, route)))
    const key = `${hour}|${route === undefined ? "" : `route=${route}`}`
    expected[key] = (expected[key] ?? 0) + rows
  }
  return expected
}

const objectsPerGroup = async (store: ProfileStore) => {
  const counts = new Map<string, number>()
  for (const key of await keys(store)) {
    const group = key.slice(0, key.lastIndexOf("/"))
    counts.set(group, (counts.get(group) ?? 0) + 1)
  }
  return [...counts.values()]
}

const PLAN = [
  [3, 0, "/a", "r1"],
  [4, 0, "/a", "r2"],
  [5, 0, "/a", "r1"],
  [6, 0, "/b", "r3"],
  [7, 0, undefined, "r2"],
  [8, 1, "/a", "r1"],
  [9, 1, "/a", "r4"],
  [1, 2, "/b", "r4"],
] as const

describe("compactStore", () => {
  it("leaves one object per (dataset, bucket, segment) with the same sums, recording what it replaced", async () => {
    const store = new DirectoryStore(dir)
    const expected = await fill(store, PLAN)
    expect(await sums(store)).toEqual(expected)
    const result = await run(compactStore(store))
    expect(result).toMatchObject({
      groups: 5,
      compacted: 2,
      alreadyCompact: 3,
      merged: 5,
      removed: 5,
      failed: [],
    })
    expect(await objectsPerGroup(store)).toEqual([1, 1, 1, 1, 1])
    expect(await sums(store)).toEqual(expected)
    const compacted = (await keys(store))
      .map((k) => parseProfileKey(k) as StoredProfile)
      .filter((p) => p.replica === COMPACTED_REPLICA)
    expect(compacted).toHaveLength(2)
    const view = await run(readStoredProfile(store, compacted[0] as StoredProfile))
    expect(view.metadata[REPLACES_METADATA]?.split(",")).toHaveLength(3)
    expect(view.segment?.values).toEqual(["/a"])
    // The reader does not pass the record on.
    const read = await run(readMergedProfiles(store))
    expect(read.profiles.every((p) => p.view.metadata[REPLACES_METADATA] === undefined)).toBe(true)
    // Run again: nothing to do.
    expect(await run(compactStore(store))).toMatchObject({ compacted: 0, alreadyCompact: 5, removed: 0 })
  })

  it("compacts only the dataset and the buckets asked for (--before)", async () => {
    const store = new DirectoryStore(dir)
    await fill(store, PLAN)
    const result = await run(compactStore(store, { before: T0 + HOUR }))
    expect(result).toMatchObject({ groups: 3, compacted: 1 })
    expect(await run(compactStore(store, { datasetId: "other" }))).toMatchObject({ groups: 0 })
  })

  it("stays exact when stopped after any step and run again, and a reader in between counts every row once", async () => {
    const store = new DirectoryStore(dir)
    const expected = await fill(store, PLAN)
    // Every step of the first run, in order; then one run per step that stops right after it.
    const steps: CompactionStep[] = []
    await run(compactStore(store, { groupConcurrency: 1, onStep: (s) => void steps.push(s) }))
    expect(steps.map((s) => s.step)).toContain("written")
    for (let stopAfter = 0; stopAfter < steps.length; stopAfter++) {
      await rm(dir, { recursive: true, force: true })
      const fresh = new DirectoryStore(dir)
      await fill(fresh, PLAN)
      let seen = 0
      let between: Record<string, number> | undefined
      const stopped = await Effect.runPromise(
        compactStore(fresh, {
          groupConcurrency: 1,
          onStep: async () => {
            if (seen++ === stopAfter) {
              // What a reader sees while the compactor stands here (between written and deleted, say).
              between = await sums(fresh)
              throw new Error("stopped")
            }
          },
        }),
      ).then(
        () => "finished",
        () => "stopped",
      )
      expect(stopped).toBe("stopped")
      expect(between).toEqual(expected)
      expect(await sums(fresh)).toEqual(expected)
      await run(compactStore(fresh))
      expect(await sums(fresh)).toEqual(expected)
      expect(await objectsPerGroup(fresh)).toEqual([1, 1, 1, 1, 1])
    }
  })

  it("recognises a retried upload of an object it already compacted, and merges writes that came later", async () => {
    const store = new DirectoryStore(dir)
    const writer = new StoreWriter({ store, replica: "r1" })
    const first = writeOf(10, 0, undefined)
    await run(writer.write(first))
    await run(writer.write(writeOf(20, 0, undefined)))
    await run(compactStore(store))
    // The first upload's answer had been lost: its retry stores the same object again.
    await run(writer.write(first))
    expect(await sums(store)).toEqual({ "0|": 30 })
    await run(writer.write(writeOf(5, 0, undefined)))
    expect(await sums(store)).toEqual({ "0|": 35 })
    const result = await run(compactStore(store))
    expect(result).toMatchObject({ compacted: 1, merged: 2, removed: 3 })
    expect(await keys(store)).toHaveLength(1)
    expect(await sums(store)).toEqual({ "0|": 35 })
    // Even after a second compaction deleted it, the retried object is still known as replaced.
    await run(writer.write(first))
    expect(await sums(store)).toEqual({ "0|": 35 })
  })

  it("leaves a group holding an object that is not a profile alone, and compacts the others", async () => {
    const store = new DirectoryStore(dir)
    const expected = await fill(store, PLAN)
    const [key] = (await keys(store)).filter((k) => k.includes("hour=17"))
    await run(
      store.put(
        `${(key as string).slice(0, (key as string).lastIndexOf("/"))}/20261207T170000Z.bad.ffff.bin`,
        new Uint8Array([1, 2, 3]),
      ),
    )
    const result = await run(compactStore(store))
    expect(result.failed).toHaveLength(1)
    expect(result.failed[0]).toMatchObject({ reason: "unreadable" })
    expect(result.compacted).toBe(1)
    const read = await run(readMergedProfiles(store, { skipUnreadable: true }))
    expect(read.unreadable).toHaveLength(1)
    expect(
      Object.fromEntries(
        read.profiles.map((p) => [
          `${(p.timestamp - T0) / HOUR}|${p.segment ?? ""}`,
          p.view.getColumn("x")?.counts?.n,
        ]),
      ),
    ).toEqual(expected)
    const failed = await Effect.runPromise(Effect.flip(readMergedProfiles(store)))
    expect(failed).toMatchObject({ reason: "unreadable" })
  })

  it("stays exact over random plans stopped at a random step (fixed seed)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 20 }),
            fc.integer({ min: 0, max: 2 }),
            fc.constantFrom("/a", "/b", undefined),
            fc.constantFrom("r1", "r2", "r3"),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        async (plan, stopAfter, lateWrite) => {
          await rm(dir, { recursive: true, force: true })
          const store = new DirectoryStore(dir)
          const expected = await fill(store, plan)
          let seen = 0
          await Effect.runPromise(
            Effect.either(
              compactStore(store, {
                onStep: () => {
                  if (seen++ === stopAfter) throw new Error("stopped")
                },
              }),
            ),
          ).catch(() => undefined)
          expect(await sums(store)).toEqual(expected)
          if (lateWrite) {
            const more = await fill(store, [[2, 0, "/a", "r9"]])
            for (const [k, v] of Object.entries(more)) expected[k] = (expected[k] ?? 0) + v
          }
          await run(compactStore(store))
          expect(await sums(store)).toEqual(expected)
          expect((await objectsPerGroup(store)).every((n) => n === 1)).toBe(true)
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe("which objects of a group count", () => {
  const profile = (name: string, replica: string): StoredProfile => ({
    key: `dataset=m/date=2026-12-07/hour=16/segment=all/${name}`,
    datasetId: "m",
    timestamp: T0,
    segment: undefined,
    replica,
    size: undefined,
  })
  const a = profile("20261207T160000Z.r1.a.bin", "r1")
  const b = profile("20261207T160000Z.r2.b.bin", "r2")
  const c = profile("20261207T160000Z.r1.c.bin", "r1")
  const k1 = profile("20261207T160000Z.compacted.k1.bin", COMPACTED_REPLICA)
  const k2 = profile("20261207T160000Z.compacted.k2.bin", COMPACTED_REPLICA)
  const names = (list: ReadonlyArray<StoredProfile>) => list.map((p) => p.key.split("/").pop()).sort()

  it("skips what a compacted object replaces, and a compacted object another one replaces", () => {
    const covers = new Map([
      [k1.key, new Set([a, b].map((p) => p.key.split("/").pop() as string))],
      [k2.key, new Set([a, b, k1, c].map((p) => p.key.split("/").pop() as string))],
    ])
    expect(names(resolveGroup([a, b, c, k1], covers).live)).toEqual(names([c, k1]))
    expect(names(resolveGroup([a, b, c, k1, k2], covers).live)).toEqual(names([k2]))
  })

  it("keeps the compaction that saw more when two ran at once, and reports overlaps neither contains", () => {
    const name = (p: StoredProfile) => p.key.split("/").pop() as string
    const nested = new Map([
      [k1.key, new Set([name(a), name(b)])],
      [k2.key, new Set([name(a), name(b), name(c)])],
    ])
    const resolved = resolveGroup([a, b, c, k1, k2], nested)
    expect(names(resolved.live)).toEqual(names([k2]))
    expect(resolved.conflicts).toEqual([])
    const crossed = new Map([
      [k1.key, new Set([name(a), name(b)])],
      [k2.key, new Set([name(b), name(c)])],
    ])
    expect(resolveGroup([a, b, c, k1, k2], crossed).conflicts).toHaveLength(1)
  })
})
