import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Chunk, Effect, Stream } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createRollingLogger, LocalWriter } from "../src/index.js"
import type { SessionEvent, WriteFailed } from "../src/session/index.js"
import {
  DirectoryStore,
  type ProfileStore,
  processReplicaId,
  readMergedProfiles,
  StoreError,
  StoreWriter,
} from "../src/store/index.js"
import { profileWriteOf } from "../src/testing.js"
import { Outbox } from "../src/writers/index.js"

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-store-writer-"))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const HOUR = Date.UTC(2026, 11, 7, 16)
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const keys = (store: ProfileStore) =>
  run(Stream.runCollect(store.list())).then((all) => Chunk.toArray(all).map((p) => p.key))

const writeOf = (values: ReadonlyArray<number>) =>
  profileWriteOf({ x: values }, { datasetId: "m", bucketStart: HOUR })

/**
 * A directory store whose uploads fail the way a network does after the body was sent: the object is
 * stored, then the caller is told it failed (`ambiguous` times), or nothing is stored (`down`).
 */
class FlakyStore implements ProfileStore {
  readonly url: string
  ambiguous = 0
  down = false
  puts = 0
  constructor(readonly inner: DirectoryStore) {
    this.url = inner.url
  }
  get datasets() {
    return this.inner.datasets
  }
  list = (query?: Parameters<ProfileStore["list"]>[0]) => this.inner.list(query)
  read = (key: string) => this.inner.read(key)
  remove = (keys: ReadonlyArray<string>) => this.inner.remove(keys)
  put = (key: string, bytes: Uint8Array) =>
    Effect.suspend(() => {
      this.puts++
      const fail = new StoreError({
        url: this.url,
        key,
        reason: "unavailable",
        detail: "reset",
        retryable: true,
      })
      if (this.down) return Effect.fail(fail)
      if (this.ambiguous > 0) {
        this.ambiguous--
        return Effect.zipRight(this.inner.put(key, bytes), Effect.fail(fail))
      }
      return this.inner.put(key, bytes)
    })
}

describe("StoreWriter", () => {
  it("stores the logger's bytes unchanged: what LocalWriter writes for the same rows", async () => {
    const write = writeOf([1, 2, 3])
    const store = new DirectoryStore(join(dir, "store"))
    const receipt = await run(new StoreWriter({ store, replica: "r1" }).write(write))
    const local = await run(new LocalWriter({ dir: join(dir, "local") }).write(write))
    const [key] = await keys(store)
    expect(receipt.destination).toBe(`${store.url}/${key}`)
    expect(key).toMatch(
      /^dataset=m\/date=2026-12-07\/hour=16\/segment=all\/20261207T160000Z\.r1\.[a-f0-9]{24}\.bin$/,
    )
    expect(new Uint8Array(await readFile(join(store.root, key as string)))).toEqual(
      new Uint8Array(await readFile(local.destination)),
    )
  })

  it("gives two replicas' byte-identical profiles two objects, and two identical writes of one replica two objects", async () => {
    const store = new DirectoryStore(dir)
    const a = new StoreWriter({ store, replica: "a" })
    const b = new StoreWriter({ store, replica: "b" })
    const same = writeOf([7])
    const again = writeOf([7])
    expect(again.bytes).toEqual(same.bytes)
    await run(a.write(same))
    await run(b.write(same))
    await run(a.write(again))
    // The same write object retried: its name is kept, so it overwrites its own object.
    await run(a.write(same))
    expect(await keys(store)).toHaveLength(3)
    const read = await run(readMergedProfiles(store))
    expect(read.profiles[0]?.view.getColumn("x")?.counts?.n).toBe(3)
  })

  it("names each write once: a retry after an ambiguous failure, and an outbox replay by the next process, overwrite its own object", async () => {
    const store = new FlakyStore(new DirectoryStore(join(dir, "store")))
    const outboxDir = join(dir, "outbox")
    const first = createRollingLogger({
      writers: [new StoreWriter({ store, replica: "pod-1", name: "fleet" })],
      datasetId: "m",
      writeSchedule: null,
      closeOnExit: false,
      outboxDir,
      retry: { maxRetries: 2, baseDelay: "1 millis", maxDelay: "2 millis" },
    })
    // Stored, then reported failed, three times: two retries fail the same way, the write goes to the outbox.
    store.ambiguous = 3
    for (let i = 0; i < 50; i++) await first.log({ x: i }, { timestamp: HOUR + i })
    await first.close()
    expect(store.puts).toBe(3)
    expect(await keys(store)).toHaveLength(1)
    const entries = await run(new Outbox(outboxDir).list())
    expect(entries).toHaveLength(1)
    expect(entries[0]?.writeId).toMatch(/^pod-1\.[a-f0-9]{24}$/)

    // The next process: another writer object (another nonce), the same name; it replays the entry.
    const second = createRollingLogger({
      writers: [new StoreWriter({ store, replica: "pod-1", name: "fleet" })],
      datasetId: "m",
      writeSchedule: null,
      closeOnExit: false,
      outboxDir,
    })
    await second.flush()
    await second.close()
    expect(await run(new Outbox(outboxDir).list())).toEqual([])
    expect(await keys(store)).toHaveLength(1)
    const read = await run(readMergedProfiles(store))
    expect(read.profiles[0]?.view.getColumn("x")?.counts?.n).toBe(50)
  })

  it("keeps rows in the outbox while the store is down, with the store's error in the status", async () => {
    const store = new FlakyStore(new DirectoryStore(join(dir, "store")))
    store.down = true
    const logger = createRollingLogger({
      writers: [new StoreWriter({ store })],
      datasetId: "m",
      writeSchedule: null,
      closeOnExit: false,
      outboxDir: join(dir, "outbox"),
      retry: { maxRetries: 1, baseDelay: "1 millis", jitter: false },
    })
    const events: SessionEvent[] = []
    const stop = logger.onEvent((event) => void events.push(event))
    for (let i = 0; i < 10; i++) await logger.log({ x: i }, { timestamp: HOUR })
    const flushed = await logger.flush()
    expect(flushed.failures[0]?.outboxed).toBe(true)
    const status = logger.status()
    expect(status.writers[0]?.lastError?.message).toContain("reset")
    expect(status.outbox).toMatchObject({ entries: 1, rows: 10 })
    await stop()
    const failed = events.filter((e): e is WriteFailed => e._tag === "WriteFailed")
    expect(failed.map((e) => [e.error, e.reason, e.attempt, e.willRetry, e.kept])).toEqual([
      ["StoreError", "unavailable", 1, true, false],
      ["StoreError", "unavailable", 2, false, true],
    ])
    expect(failed[0]?.retryInMillis).toBe(1)
    store.down = false
    await logger.close()
    const read = await run(readMergedProfiles(store))
    expect(read.profiles[0]?.view.getColumn("x")?.counts?.n).toBe(10)
    expect(await readdir(join(dir, "outbox"))).toBeDefined()
  })

  it("refuses a replica id that cannot be part of a key, and defaults to one per process", () => {
    expect(() => new StoreWriter({ store: dir, replica: "a.b" })).toThrow(RangeError)
    expect(() => new StoreWriter({ store: dir, replica: "compacted" })).toThrow(RangeError)
    expect(new StoreWriter({ store: dir }).replica).toBe(processReplicaId())
    expect(processReplicaId()).toMatch(new RegExp(`^[A-Za-z0-9-]+-${process.pid}-[a-z0-9]+$`))
  })
})
