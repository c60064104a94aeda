import { compactStore, readMergedProfiles } from "@sketchlog/core/store"
import { profileWriteOf } from "@sketchlog/core/testing"
import { S3FaultProxy, S3Server } from "@sketchlog/test-fixtures/s3"
import { Chunk, Effect, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { S3Store, S3Writer } from "../src/index.js"

const T0 = Date.UTC(2026, 11, 7, 16)
const HOUR = 3_600_000
const URL_ = "s3://profiles/reader-faults"

let s3: S3Server
let proxy: S3FaultProxy
beforeAll(async () => {
  s3 = await S3Server.start()
  proxy = await S3FaultProxy.start(s3.endpoint)
  // 3 replicas × 2 hours × 2 routes × 2 writes of 5 rows.
  for (const replica of ["a", "b", "c"]) {
    const writer = new S3Writer({ url: URL_, ...s3.clientOptions(), replica })
    for (const hour of [0, 1])
      for (const route of ["/a", "/b"])
        for (const write of [0, 1])
          await Effect.runPromise(
            writer.write(
              profileWriteOf(
                { x: [write, 1, 2, 3, 4] },
                { datasetId: "m", bucketStart: T0 + hour * HOUR, segment: { route } },
              ),
            ),
          )
  }
})
afterAll(async () => {
  await proxy.close()
  await s3.close()
})

/** The store behind the fault proxy, with the SDK's own retries off: only the reader's retries help. */
const throughProxy = () => new S3Store(URL_, { ...s3.clientOptions(proxy.endpoint), maxAttempts: 1 })

const sums = async (store: S3Store) => {
  const read = await Effect.runPromise(readMergedProfiles(store, { concurrency: 4 }))
  return read.profiles.map(
    (p) => `${(p.timestamp - T0) / HOUR} ${p.segment} ${p.view.getColumn("x")?.counts?.n}`,
  )
}

const EXPECTED = ["0 route=/a 30", "0 route=/b 30", "1 route=/a 30", "1 route=/b 30"]

describe("reading and compacting through a flaky store", () => {
  it("the merging reader retries resets, SlowDown and throttling, and still counts every row once", async () => {
    proxy.clear().reset(3, "get").slowDown(1, 0, "list").throttle(2, 0, "get").resetAfterBody(2, "get")
    expect(await sums(throughProxy())).toEqual(EXPECTED)
    expect(proxy.requests.filter((r) => r.fault !== undefined)).toHaveLength(8)
  })

  it("a download cut mid-object fails as retryable, never as a short profile, and the reader retries it", async () => {
    const key = Chunk.toArray(await Effect.runPromise(Stream.runCollect(throughProxy().list())))[0]
      ?.key as string
    proxy.clear().cutBody(1, "get")
    const cut = await Effect.runPromise(Effect.flip(throughProxy().read(key)))
    expect(cut).toMatchObject({ reason: "unavailable", retryable: true, key })
    expect(proxy.requests.at(-1)?.fault).toBe("cut-body")
    const seen = proxy.requests.length
    proxy.clear().cutBody(3, "get")
    expect(await sums(throughProxy())).toEqual(EXPECTED)
    expect(proxy.requests.slice(seen).filter((r) => r.fault === "cut-body")).toHaveLength(3)
  })

  it("compaction retries a lost answer to its upload and failed deletes, and leaves one exact object per partition", async () => {
    proxy.clear().resetAfterBody(1, "put").reset(1, "delete").slowDown(1, 0, "delete").reset(2, "get")
    const result = await Effect.runPromise(compactStore(throughProxy(), { groupConcurrency: 1 }))
    expect(result).toMatchObject({ compacted: 4, failed: [] })
    const keys = Chunk.toArray(await Effect.runPromise(Stream.runCollect(throughProxy().list()))).map(
      (p) => p.key,
    )
    expect(keys).toHaveLength(4)
    expect(await sums(throughProxy())).toEqual(EXPECTED)
  })
})
