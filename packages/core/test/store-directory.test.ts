import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { Chunk, Effect, Either, Stream } from "effect"
import fc from "fast-check"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { DatasetProfile, DatasetProfileView, LocalWriter } from "../src/index.js"
import { ProfileSegment, TimeBucket } from "../src/profile/index.js"
import {
  DirectoryStore,
  displayUrl,
  openStore,
  type ProfileQuery,
  parseProfileKey,
  profileKey,
  readStoredProfile,
  StoreError,
} from "../src/store/index.js"

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-store-"))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const HOUR = Date.UTC(2026, 11, 7, 16)
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const failure = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.either(effect)).then((result) => {
    if (Either.isRight(result)) throw new Error("expected a failure")
    return result.left
  })
const listKeys = (store: DirectoryStore, query?: ProfileQuery) =>
  run(Stream.runCollect(store.list(query))).then((profiles) => Chunk.toArray(profiles).map((p) => p.key))

const bytesOf = (values: ReadonlyArray<number>, timestamp = HOUR): Uint8Array => {
  const profile = new DatasetProfile({ datasetTimestamp: timestamp })
  profile.trackColumns({ x: values })
  return profile.view().serialize()
}

describe("partitioned profile keys", () => {
  it("are Hive-style partitions that read back to what was written", () => {
    const key = profileKey({
      datasetId: "loan scoring/v2",
      timestamp: HOUR,
      segment: "http.route=/v1/score,http.method=POST",
      replica: "web-7-1f2e",
      id: "a1b2c3",
    })
    expect(key).toBe(
      "dataset=loan%20scoring%2Fv2/date=2026-12-07/hour=16/segment=http.route%3D%2Fv1%2Fscore%2Chttp.method%3DPOST/20261207T160000Z.web-7-1f2e.a1b2c3.bin",
    )
    expect(parseProfileKey(key, 10)).toEqual({
      key,
      datasetId: "loan scoring/v2",
      timestamp: HOUR,
      segment: "http.route=/v1/score,http.method=POST",
      replica: "web-7-1f2e",
      size: 10,
    })
    expect(profileKey({ datasetId: "m", timestamp: HOUR, segment: undefined, replica: "r", id: "1" })).toBe(
      "dataset=m/date=2026-12-07/hour=16/segment=all/20261207T160000Z.r.1.bin",
    )
    expect(profileKey({ datasetId: "m", timestamp: HOUR, segment: "", replica: "r", id: "1" })).toContain(
      "/segment=all/",
    )
    expect(
      parseProfileKey(profileKey({ datasetId: "m", timestamp: HOUR, segment: "all", replica: "r", id: "1" }))
        ?.segment,
    ).toBe("all")
  })

  it("round-trip any dataset id, segment and time", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, unit: "grapheme" }),
        fc.option(fc.oneof(fc.string({ minLength: 1, unit: "grapheme" }), fc.constant("all")), {
          nil: undefined,
        }),
        fc.integer({ min: 0, max: Date.UTC(9999, 0, 1) / 1000 }),
        fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/),
        fc.stringMatching(/^[a-f0-9]{1,16}$/),
        (datasetId, segment, seconds, replica, id) => {
          const timestamp = seconds * 1000
          const key = profileKey({ datasetId, timestamp, segment, replica, id })
          expect(parseProfileKey(key)).toEqual({
            key,
            datasetId,
            timestamp,
            segment,
            replica,
            size: undefined,
          })
        },
      ),
      { numRuns: 300 },
    )
  })

  it("refuse replica and object ids that would not parse back", () => {
    expect(() =>
      profileKey({ datasetId: "m", timestamp: HOUR, segment: undefined, replica: "a.b", id: "1" }),
    ).toThrow(RangeError)
    expect(() =>
      profileKey({ datasetId: "m", timestamp: HOUR, segment: undefined, replica: "r", id: "" }),
    ).toThrow(RangeError)
  })

  it("are not recognised when the partitions disagree with the stamp, the encoding is broken or a part is hidden", () => {
    const good = "dataset=m/date=2026-12-07/hour=16/segment=all/20261207T160000Z.r.1.bin"
    expect(parseProfileKey(good)).toBeDefined()
    expect(parseProfileKey(good.replace("hour=16", "hour=17"))).toBeUndefined()
    expect(parseProfileKey(good.replace("date=2026-12-07", "date=2026-12-08"))).toBeUndefined()
    expect(parseProfileKey(good.replace("dataset=m", "dataset=%E0%A4"))).toBeUndefined()
    expect(parseProfileKey(good.replace("20261207T160000Z", "20261307T160000Z"))).toBeUndefined()
    expect(parseProfileKey(`.outbox/${good}`)).toBeUndefined()
    expect(parseProfileKey("model-1/notes.txt")).toBeUndefined()
    expect(parseProfileKey("20261207T160000Z.bin")).toBeUndefined()
  })
})

describe("DirectoryStore", () => {
  it("puts, lists, reads and removes profiles in the partitioned layout", async () => {
    const store = new DirectoryStore(dir)
    const keys = [
      profileKey({ datasetId: "b", timestamp: HOUR, segment: undefined, replica: "r1", id: "1" }),
      profileKey({
        datasetId: "a",
        timestamp: HOUR + 3_600_000,
        segment: "route=/x",
        replica: "r2",
        id: "2",
      }),
      profileKey({ datasetId: "a", timestamp: HOUR, segment: undefined, replica: "r1", id: "3" }),
    ]
    for (const key of keys) await run(store.put(key, bytesOf([1, 2, 3])))
    expect(await listKeys(store)).toEqual([...keys].sort())
    expect(await run(store.datasets)).toEqual(["a", "b"])
    const view = await run(readStoredProfile(store, keys[0]!))
    expect(view.getColumn("x")?.counts?.n).toBe(3)
    await run(store.remove([keys[0]!, keys[0]!]))
    expect(await listKeys(store)).toEqual([keys[2], keys[1]])
    // The emptied partition folders are gone, as an object store would have none.
    expect(await readdir(dir)).toEqual(["dataset=a"])
  })

  it("lists by dataset, time range and segment, skipping folders outside them", async () => {
    const store = new DirectoryStore(dir)
    const at = (datasetId: string, hours: number, segment?: string) =>
      profileKey({ datasetId, timestamp: HOUR + hours * 3_600_000, segment, replica: "r", id: String(hours) })
    const all = [at("a", 0), at("a", 1, "s=1"), at("a", 30), at("b", 1)]
    for (const key of all) await run(store.put(key, bytesOf([1])))
    expect(await listKeys(store, { datasetId: "a" })).toEqual([all[0], all[1], all[2]])
    expect(await listKeys(store, { datasetId: "a", from: HOUR + 3_600_000 })).toEqual([all[1], all[2]])
    expect(await listKeys(store, { datasetId: "a", to: HOUR + 3_600_000 })).toEqual([all[0]])
    expect(await listKeys(store, { segment: "s=1" })).toEqual([all[1]])
    expect(await listKeys(store, { segment: "" })).toEqual([all[0], all[2], all[3]])
    expect(await listKeys(store, { datasetId: "c" })).toEqual([])
  })

  it("lists what a LocalWriter wrote, its folder as the dataset and its file name's segment", async () => {
    const writer = new LocalWriter({ dir })
    const segment = new ProfileSegment(["http.route"], ["/users"])
    for (const s of [undefined, segment]) {
      const profile = new DatasetProfile({ datasetTimestamp: HOUR })
      profile.trackColumns({ x: [1, 2] })
      const plain = profile.view()
      const view = new DatasetProfileView({
        columns: plain.columns,
        datasetTimestamp: HOUR,
        creationTimestamp: HOUR,
        segment: s,
      })
      await run(
        writer.write({
          datasetId: "model-1",
          bucket: new TimeBucket(HOUR, "hour"),
          segment: s,
          view,
          bytes: view.serialize(),
          rows: 2,
        }),
      )
    }
    await mkdir(join(dir, ".outbox", "model-1"), { recursive: true })
    await writeFile(join(dir, ".outbox", "model-1", "20261207T160000Z.bin"), bytesOf([9]))
    const store = new DirectoryStore(dir)
    const listed = Chunk.toArray(await run(Stream.runCollect(store.list({ datasetId: "model-1" }))))
    expect(
      listed.map(({ datasetId, timestamp, segment, replica }) => ({
        datasetId,
        timestamp,
        segment,
        replica,
      })),
    ).toEqual([
      { datasetId: "model-1", timestamp: HOUR, segment: undefined, replica: undefined },
      { datasetId: "model-1", timestamp: HOUR, segment: "http.route=_users~8387e552", replica: undefined },
    ])
    expect(listed.every((p) => typeof p.size === "number" && p.size > 0)).toBe(true)
  })

  it("reports a damaged profile as unreadable, naming its key, and a missing one as not found", async () => {
    const store = new DirectoryStore(dir)
    const key = profileKey({ datasetId: "a", timestamp: HOUR, segment: undefined, replica: "r", id: "1" })
    await run(store.put(key, bytesOf([1]).slice(0, 20)))
    const damaged = await failure(readStoredProfile(store, key))
    expect(damaged).toBeInstanceOf(StoreError)
    expect(damaged.reason).toBe("unreadable")
    expect(damaged.message).toContain(key)
    const missing = await failure(store.read(key.replace(".1.bin", ".2.bin")))
    expect(missing.reason).toBe("not-found")
    const noRoot = await failure(Stream.runCollect(new DirectoryStore(join(dir, "nothing")).list()))
    expect(noRoot.reason).toBe("not-found")
  })

  it("refuses keys that would leave its directory", async () => {
    const store = new DirectoryStore(join(dir, "store"))
    for (const key of ["../escape.bin", "a/../../escape.bin", "/abs.bin", "a//b.bin", "a\\b.bin", ""]) {
      const error = await failure(store.put(key, new Uint8Array([1])))
      expect(error.reason).toBe("invalid-url")
      expect((await failure(store.read(key))).reason).toBe("invalid-url")
    }
    expect(await readdir(dir)).toEqual([])
  })
})

describe("openStore", () => {
  it("opens a directory by path or file:// URL", async () => {
    const key = profileKey({ datasetId: "a", timestamp: HOUR, segment: undefined, replica: "r", id: "1" })
    await run(new DirectoryStore(dir).put(key, bytesOf([1])))
    for (const url of [dir, pathToFileURL(dir).href]) {
      const store = await run(openStore(url))
      expect(await run(store.datasets)).toEqual(["a"])
    }
  })

  it("says how to install @sketchlog/s3 for an s3:// URL when it is missing, without the URL's credentials", async () => {
    const error = await failure(openStore("s3://KEY:SECRET@bucket/prefix"))
    expect(error.reason === "missing-package" || error.reason === "invalid-url").toBe(true)
    expect(error.message).not.toContain("SECRET")
    if (error.reason === "missing-package") expect(error.message).toContain("npm i @sketchlog/s3")
  })

  it("refuses other schemes and empty URLs", async () => {
    expect((await failure(openStore("http://user:pw@example.test/x"))).message).not.toContain("pw")
    expect((await failure(openStore("http://example.test/x"))).reason).toBe("invalid-url")
    expect((await failure(openStore("  "))).reason).toBe("invalid-url")
    expect(displayUrl("s3://id:secret@bucket/p")).toBe("s3://bucket/p")
  })
})
