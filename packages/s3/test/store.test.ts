import { DatasetProfile } from "@sketchlog/core"
import {
  openStore,
  type ProfileStore,
  profileKey,
  readStoredProfile,
  StoreError,
} from "@sketchlog/core/store"
import { WriterOptionsError } from "@sketchlog/core/writers"
import { S3Server } from "@sketchlog/test-fixtures/s3"
import { Chunk, Effect, Either, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { S3Store, S3Writer } from "../src/index.js"

const HOUR = Date.UTC(2026, 11, 7, 16)
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const failure = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.either(effect)).then((result) => {
    if (Either.isRight(result)) throw new Error("expected a failure")
    return result.left
  })
const keysOf = (store: ProfileStore, query = {}) =>
  run(Stream.runCollect(store.list(query))).then((all) => Chunk.toArray(all).map((p) => p.key))

const bytesOf = (values: ReadonlyArray<number>, timestamp = HOUR): Uint8Array => {
  const profile = new DatasetProfile({ datasetTimestamp: timestamp })
  profile.trackColumns({ x: values })
  return profile.view().serialize()
}

let s3: S3Server
beforeAll(async () => {
  s3 = await S3Server.start({ buckets: ["profiles", "other"] })
})
afterAll(() => s3.close())

describe("S3Store", () => {
  it("stores, lists by dataset, time and segment, reads back and deletes", async () => {
    const store = new S3Store("s3://profiles/basic/", s3.clientOptions())
    expect(store.url).toBe("s3://profiles/basic")
    const keys = [
      profileKey({ datasetId: "m/1", timestamp: HOUR, segment: undefined, replica: "a", id: "1" }),
      profileKey({ datasetId: "m/1", timestamp: HOUR, segment: "route=/x", replica: "b", id: "2" }),
      profileKey({
        datasetId: "m/1",
        timestamp: HOUR + 86_400_000,
        segment: undefined,
        replica: "a",
        id: "3",
      }),
      profileKey({ datasetId: "other", timestamp: HOUR, segment: undefined, replica: "a", id: "4" }),
    ]
    for (const [i, key] of keys.entries()) await run(store.put(key, bytesOf([i + 1])))
    expect(await run(store.datasets)).toEqual(["m/1", "other"])
    expect(await keysOf(store)).toEqual([...keys].sort())
    expect(await keysOf(store, { datasetId: "m/1" })).toEqual([keys[0], keys[1], keys[2]].sort())
    expect(await keysOf(store, { datasetId: "m/1", from: HOUR, to: HOUR + 3_600_000 })).toEqual(
      [keys[0], keys[1]].sort(),
    )
    expect(await keysOf(store, { from: HOUR + 3_600_000 })).toEqual([keys[2]])
    expect(await keysOf(store, { datasetId: "m/1", segment: "route=/x", from: HOUR, to: HOUR + 1 })).toEqual([
      keys[1],
    ])
    expect(await keysOf(store, { segment: "" })).toEqual([keys[0], keys[2], keys[3]].sort())
    const listed = await run(Stream.runCollect(store.list({ datasetId: "other" })))
    expect(Chunk.toArray(listed)[0]).toMatchObject({ datasetId: "other", replica: "a", timestamp: HOUR })
    expect(Chunk.toArray(listed)[0]?.size).toBe(bytesOf([4]).byteLength)
    // The version is the object's ETag: written again with other bytes, the listing says so.
    const version = Chunk.toArray(listed)[0]?.version
    expect(version).toMatch(/^"[0-9a-f]{32}"$/)
    await run(store.put(keys[3] as string, bytesOf([5])))
    const relisted = await run(Stream.runCollect(store.list({ datasetId: "other" })))
    expect(Chunk.toArray(relisted)[0]?.version).not.toBe(version)

    const view = await run(readStoredProfile(store, keys[1] as string))
    expect(view.getColumn("x")?.counts?.n).toBe(1)
    await run(store.remove([keys[0] as string, keys[1] as string, "dataset=m/gone.bin"]))
    expect(await keysOf(store)).toEqual([keys[2], keys[3]].sort())
  })

  it("lists past 1,000 keys, page by page", async () => {
    const store = new S3Store("s3://profiles/many", s3.clientOptions())
    const bytes = bytesOf([1])
    const keys = Array.from({ length: 1234 }, (_, i) =>
      profileKey({ datasetId: "m", timestamp: HOUR, segment: undefined, replica: "r", id: i.toString(16) }),
    )
    await run(Effect.forEach(keys, (key) => store.put(key, bytes), { concurrency: 16, discard: true }))
    const listed = await keysOf(store, { datasetId: "m" })
    expect(listed).toHaveLength(1234)
    expect(new Set(listed)).toEqual(new Set(keys))
    // Deletes go 1,000 keys per request: both batches land.
    await run(store.remove(keys))
    expect(await keysOf(store)).toEqual([])
  }, 120_000)

  it("is what openStore gives for an s3:// URL, and fails with typed errors", async () => {
    const store = await run(openStore("s3://profiles/open", { s3: s3.clientOptions() }))
    expect(store.url).toBe("s3://profiles/open")
    const missing = await failure(store.read("dataset=m/nothing.bin"))
    expect(missing).toBeInstanceOf(StoreError)
    expect(missing).toMatchObject({ reason: "not-found", retryable: false, key: "dataset=m/nothing.bin" })
    const noBucket = await failure(
      Stream.runCollect(new S3Store("s3://no-such-bucket", s3.clientOptions()).list()),
    )
    expect(noBucket).toMatchObject({ reason: "not-found" })
    expect(noBucket.message).toContain("no such bucket")

    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRET"
    const refused = await failure(
      new S3Store("s3://profiles/open", {
        ...s3.clientOptions(),
        credentials: { accessKeyId: "AKIANOTKNOWN", secretAccessKey: secret },
      }).put("dataset=m/x.bin", bytesOf([1])),
    )
    expect(refused).toMatchObject({ reason: "denied", retryable: false })
    expect(refused.message).not.toContain(secret)
    expect(JSON.stringify(refused)).not.toContain(secret)

    const withCredentials = await failure(openStore(`s3://AKIA:${secret}@profiles/x`))
    expect(withCredentials).toMatchObject({ reason: "invalid-url" })
    expect(withCredentials.message).not.toContain(secret)
    expect(await failure(openStore("s3://a"))).toMatchObject({ reason: "invalid-url" })
    expect(await failure(store.put("../escape.bin", bytesOf([1])))).toMatchObject({ reason: "invalid-url" })
  })
})

describe("S3Writer options", () => {
  it("refuses an unknown option, naming the one meant", () => {
    expect(() => new S3Writer({ url: "s3://bucket/p", regoin: "eu-west-1" } as never)).toThrow(
      WriterOptionsError,
    )
    expect(() => new S3Writer({ url: "s3://bucket/p", regoin: "eu-west-1" } as never)).toThrow(
      'S3Writer option regoin: unknown option; did you mean "region"?',
    )
  })
})
