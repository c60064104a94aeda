import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Chunk, Effect, Stream } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createHttpProfiler } from "../src/adapter.js"
import { HttpOptionsError } from "../src/http/index.js"
import { createRollingLogger, LoggerOptionsError } from "../src/index.js"
import { getCurrentSession } from "../src/session/index.js"
import { DirectoryStore, readMergedProfiles, STORE_ENV, StoreWriter } from "../src/store/index.js"
import { MemoryWriter } from "../src/testing.js"

let dir: string
let saved: string | undefined
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-store-option-"))
  saved = process.env[STORE_ENV]
})
afterEach(async () => {
  if (saved === undefined) delete process.env[STORE_ENV]
  else process.env[STORE_ENV] = saved
  await rm(dir, { recursive: true, force: true })
})

const HOUR = Date.UTC(2026, 11, 7, 16)
const total = async (store: string) => {
  const read = await Effect.runPromise(readMergedProfiles(new DirectoryStore(store)))
  return read.profiles.reduce((n, p) => n + (p.view.getColumn("x")?.counts?.n ?? 0), 0)
}
const keys = async (store: string) =>
  Chunk.toArray(await Effect.runPromise(Stream.runCollect(new DirectoryStore(store).list()))).map(
    (p) => p.key,
  )

describe("the store option of createRollingLogger", () => {
  it("writes one object per profile and replica into the store, with the outbox inside a directory store", async () => {
    const logger = createRollingLogger({
      datasetId: "m",
      store: dir,
      writeSchedule: null,
      closeOnExit: false,
    })
    for (let i = 0; i < 5; i++) await logger.log({ x: i }, { timestamp: HOUR })
    await logger.flush()
    for (let i = 0; i < 3; i++) await logger.log({ x: i }, { timestamp: HOUR })
    await logger.close()
    expect(await keys(dir)).toHaveLength(2)
    expect(await total(dir)).toBe(8)
    expect(logger.status().outbox?.dir).toBe(join(dir, ".outbox"))
    expect(logger.status().writers[0]?.name).toBe(`store:${dir}`)
  })

  it(`reads ${STORE_ENV} when no store or writers are given, and not when writers are`, async () => {
    process.env[STORE_ENV] = dir
    const fromEnv = createRollingLogger({ datasetId: "m", writeSchedule: null, closeOnExit: false })
    await fromEnv.log({ x: 1 }, { timestamp: HOUR })
    await fromEnv.close()
    expect(await total(dir)).toBe(1)
    const memory = new MemoryWriter()
    const explicit = createRollingLogger({
      datasetId: "m",
      writers: [memory],
      writeSchedule: null,
      closeOnExit: false,
    })
    await explicit.log({ x: 1 }, { timestamp: HOUR })
    await explicit.close()
    expect(memory.writes).toHaveLength(1)
    expect(await total(dir)).toBe(1)
  })

  it("refuses store and writers together", () => {
    expect(() =>
      createRollingLogger({ store: dir, writers: [new StoreWriter({ store: dir })], closeOnExit: false }),
    ).toThrow(LoggerOptionsError)
  })
})

describe("the store option of the HTTP profiler (every adapter's options)", () => {
  it("sends the profiles of a local session to the store, and refuses a store that is not a string", async () => {
    const profiler = createHttpProfiler({ sessionOptions: { forceLocal: true }, datasetId: "ds", store: dir })
    await profiler.ready
    for (let i = 0; i < 4; i++) {
      profiler.record({
        method: "GET",
        route: "/a",
        path: "/a",
        status: 200,
        durationMs: 1,
        timestamp: HOUR,
        response: { contentType: "application/json", body: { ok: true } },
      })
    }
    expect((await profiler.status()).profileDir).toBeUndefined()
    await profiler.close()
    const read = await Effect.runPromise(readMergedProfiles(new DirectoryStore(dir)))
    expect(
      read.profiles.map((p) => [p.datasetId, p.segment, p.view.getColumn("http.status")?.counts?.n]),
    ).toEqual([["ds", "http.route=/a,http.method=GET", 4]])
    expect(() => createHttpProfiler({ store: 42 as never })).toThrow(HttpOptionsError)
    await getCurrentSession()?.close()
  })
})
