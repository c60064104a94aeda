import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3"
import { createRollingLogger, DatasetProfile, LocalWriter, type ProfileWrite } from "@sketchlog/core"
import { TimeBucket } from "@sketchlog/core/profile"
import type { SessionEvent, WriteFailed } from "@sketchlog/core/session"
import { readMergedProfiles } from "@sketchlog/core/store"
import { Outbox } from "@sketchlog/core/writers"
import { S3FaultProxy, S3Server } from "@sketchlog/test-fixtures/s3"
import { Effect } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { S3Store, S3Writer } from "../src/index.js"

const T0 = Date.UTC(2026, 11, 7, 16)
const HOUR = 3_600_000
const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

let s3: S3Server
let proxy: S3FaultProxy
let dir: string
let prefix = 0
beforeAll(async () => {
  s3 = await S3Server.start()
  proxy = await S3FaultProxy.start(s3.endpoint)
})
afterAll(async () => {
  await proxy.close()
  await s3.close()
})
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-s3-writer-"))
  proxy.clear()
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** The rows of one run: 2 hours × 2 routes, in batches written between flushes. */
const BATCHES = [0, 1, 2, 3].map((batch) =>
  Array.from({ length: 25 }, (_, i) => ({
    route: i % 2 === 0 ? "/a" : "/b",
    x: batch * 100 + i,
    timestamp: T0 + ((batch + i) % 2) * HOUR + i,
  })),
)

const expected = (): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const row of BATCHES.flat()) {
    const key = `${Math.floor((row.timestamp - T0) / HOUR)}|route=${row.route}`
    out[key] = (out[key] ?? 0) + 1
  }
  return out
}

const sums = async (url: string): Promise<Record<string, number | undefined>> => {
  const read = await Effect.runPromise(readMergedProfiles(new S3Store(url, s3.clientOptions())))
  return Object.fromEntries(
    read.profiles.map((p) => [`${(p.timestamp - T0) / HOUR}|${p.segment}`, p.view.getColumn("x")?.counts?.n]),
  )
}

/**
 * One process's life: a logger writing through the fault proxy logs every batch (flushing after
 * each, so a bucket is written several times), then closes; what failed waits in the outbox.
 */
const firstRun = async (
  url: string,
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } = s3.credentials,
) => {
  const logger = createRollingLogger({
    datasetId: "m",
    segmentOn: ["route"],
    writeSchedule: null,
    closeOnExit: false,
    outboxDir: join(dir, "outbox"),
    retry: { maxRetries: 2, baseDelay: "5 millis", maxDelay: "20 millis", maxRetryAfter: "3 seconds" },
    closeTimeout: "10 seconds",
    writers: [
      new S3Writer({
        url,
        ...s3.clientOptions(proxy.endpoint),
        credentials: { ...credentials },
        replica: "pod-1",
        name: "fleet",
        requestTimeoutMillis: 400,
        maxAttempts: 1,
      }),
    ],
  })
  const events: SessionEvent[] = []
  const stop = logger.onEvent((event) => void events.push(event))
  for (const batch of BATCHES) {
    for (const { timestamp, ...row } of batch) await logger.log(row, { timestamp })
    await logger.flush()
  }
  const status = logger.status()
  await stop()
  await logger.close()
  return { status, failed: events.filter((e): e is WriteFailed => e._tag === "WriteFailed") }
}

/** The next process: same writer name and outbox, the store reachable again; it replays the outbox. */
const secondRun = async (url: string) => {
  const logger = createRollingLogger({
    datasetId: "m",
    writeSchedule: null,
    closeOnExit: false,
    outboxDir: join(dir, "outbox"),
    writers: [new S3Writer({ url, ...s3.clientOptions(), replica: "pod-1-restarted", name: "fleet" })],
  })
  await logger.flush()
  await logger.close()
  return logger.status()
}

describe("S3Writer", () => {
  it("stores exactly the bytes LocalWriter writes for the same rows", async () => {
    const profile = new DatasetProfile({ datasetTimestamp: T0 })
    profile.trackColumns({ x: [1, 2.5, 3], s: ["a", "b", "a"] })
    const view = profile.view()
    const write: ProfileWrite = {
      datasetId: "m",
      bucket: new TimeBucket(T0, "hour"),
      segment: undefined,
      view,
      bytes: view.serialize(),
      rows: 3,
    }
    const writer = new S3Writer({ url: "s3://profiles/bytes", ...s3.clientOptions() })
    await Effect.runPromise(writer.write(write))
    const local = await Effect.runPromise(new LocalWriter({ dir }).write(write))
    const object = await new S3Client(s3.clientOptions()).send(
      new GetObjectCommand({ Bucket: "profiles", Key: `bytes/${writer.keyOf(write)}` }),
    )
    const { readFile } = await import("node:fs/promises")
    expect(await object.Body?.transformToByteArray()).toEqual(
      new Uint8Array(await readFile(local.destination)),
    )
  })

  const faults: ReadonlyArray<
    readonly [string, (proxy: S3FaultProxy) => void, (failed: WriteFailed[]) => void]
  > = [
    [
      "503 SlowDown with Retry-After (waited out)",
      (p) => p.slowDown(3, 1, "put"),
      (failed) => {
        expect(failed[0]).toMatchObject({ reason: "unavailable", willRetry: true, retryInMillis: 1000 })
        expect(failed[0]?.message).toContain("SlowDown (HTTP 503)")
      },
    ],
    [
      "429 throttling on every upload",
      (p) => p.throttle(Number.POSITIVE_INFINITY, undefined, "put"),
      (failed) => expect(failed.some((f) => f.kept && f.reason === "unavailable")).toBe(true),
    ],
    ["500 InternalError", (p) => p.inject({ type: "internal-error" }, 6, "put"), () => undefined],
    ["resets before the server saw the body", (p) => p.reset(6, "put"), () => undefined],
    [
      "resets after the server stored the body (the answer is lost)",
      (p) => p.resetAfterBody(6, "put"),
      (failed) => expect(failed.length).toBeGreaterThan(0),
    ],
    ["uploads that hang past the request timeout", (p) => p.hang(4, "put"), () => undefined],
    [
      "refused credentials (403)",
      (p) => p.deny(Number.POSITIVE_INFINITY, "put"),
      (failed) => {
        expect(failed.every((f) => f.reason === "denied" && !f.willRetry && f.kept)).toBe(true)
        expect(failed[0]?.message).toContain("refused the credentials")
      },
    ],
    [
      "a store that is down",
      (p) => p.down(),
      (failed) => expect(failed.every((f) => f.kept || f.willRetry)).toBe(true),
    ],
  ]

  for (const [name, inject, check] of faults) {
    it(`${name}: every accepted row ends up stored exactly once`, async () => {
      const url = `s3://profiles/faults-${++prefix}`
      inject(proxy)
      const first = await firstRun(url)
      check(first.failed)
      for (const f of first.failed) expect(f.message).not.toContain(s3.credentials.secretAccessKey)
      proxy.clear()
      const second = await secondRun(url)
      expect(second.outbox).toMatchObject({ entries: 0, rows: 0 })
      expect(await sums(url)).toEqual(expected())
    }, 60_000)
  }

  it("real bad credentials: refused by the server, kept in the outbox, never shown", async () => {
    const url = `s3://profiles/faults-${++prefix}`
    const first = await firstRun(url, { accessKeyId: "AKIAEXAMPLEUNKNOWN", secretAccessKey: SECRET })
    const kept = await Effect.runPromise(new Outbox(join(dir, "outbox")).list())
    expect(kept.reduce((n, entry) => n + entry.rows, 0)).toBe(100)
    expect(first.failed.every((f) => f.reason === "denied" && f.kept)).toBe(true)
    const shown = JSON.stringify([first.status, first.failed.map((f) => f.message)])
    expect(shown).not.toContain(SECRET)
    expect(shown).toContain("InvalidAccessKeyId")
    await secondRun(url)
    expect(await sums(url)).toEqual(expected())
  }, 60_000)
})
