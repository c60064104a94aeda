import { readFile, stat, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { usePlatformSandbox } from "@sketchlog/test-fixtures/vitest"
import { Effect, Queue } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import {
  ConfigError,
  init,
  ProfileWritten,
  RowsDropped,
  Session,
  SessionClosedError,
  type SessionEvent,
  type SessionHandle,
  type SessionOptions,
  type UploadEvent,
  UploadNotSupportedError,
} from "../src/session/index.js"

const fixture = usePlatformSandbox()
const open: SessionHandle[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

const fast = { retry: { baseDelay: "1 millis", maxDelay: "5 millis" } } satisfies SessionOptions

const whylabs = async (options: SessionOptions = {}) => {
  const session = await init({
    reinit: true,
    apiKey: fixture.platform.apiKey,
    apiEndpoint: fixture.platform.url,
    ...fast,
    ...options,
  })
  open.push(session)
  return session
}

const bytes = (...values: number[]) => new Uint8Array(values)

describe("uploads of a whylabs session", () => {
  it("announces with log/async and PUTs the bytes, returning what the platform gave", async () => {
    const session = await whylabs()
    const receipt = await session.uploadProfile({
      datasetId: "model-1",
      datasetTimestamp: new Date("2025-01-01T10:00:00Z"),
      segmentTags: [{ key: "whylogs.tag.route", value: "/predict" }],
      bytes: bytes(1, 2, 3),
    })
    const [stored] = fixture.platform.profiles()
    expect(receipt).toEqual({
      uploadKey: "upload-1",
      upload: "profile",
      id: stored?.id,
      datasetId: "model-1",
      datasetTimestamp: Date.parse("2025-01-01T10:00:00Z"),
      segmentTags: [{ key: "whylogs.tag.route", value: "/predict" }],
      bytes: 3,
      observatoryUrl: undefined,
      attempts: 2,
    })
    expect(stored).toMatchObject({
      kind: "profile",
      orgId: "org-fake",
      datasetId: "model-1",
      segmentTags: [{ key: "whylogs.tag.route", value: "/predict" }],
    })
    expect([...(stored?.bytes ?? [])]).toEqual([1, 2, 3])
  })

  it("uploads reference profiles under their alias", async () => {
    const session = await whylabs()
    const receipt = await session.uploadReferenceProfile({
      datasetId: "model-1",
      alias: "training",
      datasetTimestamp: 5,
      bytes: bytes(4),
    })
    expect(receipt.upload).toBe("reference")
    expect(fixture.platform.profiles({ kind: "reference" })).toMatchObject([
      { alias: "training", datasetTimestamp: 5 },
    ])
  })

  it("falls back to the default dataset, and refuses an upload that names none", async () => {
    const withDefault = await whylabs({ defaultDatasetId: "ds-default" })
    await withDefault.uploadProfile({ datasetTimestamp: 0, bytes: bytes(1) })
    expect(fixture.platform.profiles({ datasetId: "ds-default" })).toHaveLength(1)
    const without = await whylabs()
    await expect(without.uploadProfile({ datasetTimestamp: 0, bytes: bytes(1) })).rejects.toBeInstanceOf(
      ConfigError,
    )
  })

  it("retries with the session's policy, which each upload can override", async () => {
    const strict = await whylabs({ retry: { maxRetries: 0 } })
    fixture.platform.faults.failNext(2, 503, "api")
    await expect(
      strict.uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: bytes(1) }),
    ).rejects.toMatchObject({
      _tag: "PlatformError",
      status: 503,
    })
    const receipt = await strict.uploadProfile(
      { datasetId: "d", datasetTimestamp: 0, bytes: bytes(1) },
      { retry: { maxRetries: 3, baseDelay: "1 millis", maxDelay: "2 millis" } },
    )
    expect(receipt.attempts).toBe(3)
    expect(strict.status().uploads).toEqual({ started: 2, succeeded: 1, failed: 1, inFlight: 0 })
  })

  it("keeps at most maxConcurrency platform calls in flight under 100 parallel uploads", async () => {
    const session = await whylabs({ maxConcurrency: 3 })
    fixture.platform.faults.delay(10)
    const receipts = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        session.uploadProfile({ datasetId: "d", datasetTimestamp: i, bytes: bytes(i) }),
      ),
    )
    expect(new Set(receipts.map((r) => r.id)).size).toBe(100)
    expect(fixture.platform.profiles()).toHaveLength(100)
    expect(fixture.platform.stats().maxInFlight).toBeLessThanOrEqual(3)
    expect(fixture.platform.stats().maxInFlight).toBeGreaterThanOrEqual(2)
  })

  it("interrupts an upload still running when the session closes, rejecting it with SessionClosedError", async () => {
    const session = await whylabs()
    fixture.platform.faults.hang(1, "api")
    const pending = session.uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: bytes(1) })
    await fixture.platform.waitForRequests(1)
    await session.close()
    await expect(pending).rejects.toBeInstanceOf(SessionClosedError)
    await expect(
      session.uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: bytes(1) }),
    ).rejects.toBeInstanceOf(SessionClosedError)
  })
})

describe("anonymous and local sessions", () => {
  it("creates the guest session on the first upload, once, and stores its id for the next process", async () => {
    const first = await init({
      reinit: true,
      allowAnonymous: true,
      apiEndpoint: fixture.platform.url,
      interactive: false,
    })
    open.push(first)
    expect(first.status().credentials).toEqual({ type: "anonymous", sessionId: undefined })
    expect(fixture.platform.requests()).toHaveLength(0) // nothing is sent before the first upload
    const receipts = await Promise.all(
      [1, 2, 3].map((i) => first.uploadProfile({ datasetId: "d", datasetTimestamp: i, bytes: bytes(i) })),
    )
    expect(fixture.platform.requests("/v0/sessions")).toHaveLength(1)
    const [sessionId] = fixture.platform.anonymousSessions()
    expect(receipts[0]?.observatoryUrl).toContain(sessionId)
    expect(fixture.platform.profiles({ kind: "anonymous" }).map((p) => p.sessionId)).toEqual([
      sessionId,
      sessionId,
      sessionId,
    ])
    const config = await readFile(fixture.sandbox.configFile, "utf8")
    expect(config).toContain(`session_id = ${sessionId}`)
    expect(config).toMatch(/user_guid = [0-9a-f-]{36}/)
    expect((await stat(fixture.sandbox.configFile)).mode & 0o777).toBe(0o600)

    const second = await init({
      reinit: true,
      allowAnonymous: true,
      apiEndpoint: fixture.platform.url,
      interactive: false,
    })
    open.push(second)
    expect(second.status()).toMatchObject({ source: `${fixture.sandbox.configFile} session_id` })
    await second.uploadProfile({ datasetId: "d", datasetTimestamp: 9, bytes: bytes(9) })
    expect(fixture.platform.requests("/v0/sessions")).toHaveLength(1)
  })

  it("refuses segmented and reference profiles in an anonymous session, before any call", async () => {
    const session = await init({ reinit: true, kind: "anonymous", apiEndpoint: fixture.platform.url })
    open.push(session)
    const segmented = session.uploadProfile({
      datasetId: "d",
      datasetTimestamp: 0,
      segmentTags: [{ key: "whylogs.tag.route", value: "/a" }],
      bytes: bytes(1),
    })
    await expect(segmented).rejects.toBeInstanceOf(UploadNotSupportedError)
    await expect(segmented).rejects.toThrow("anonymous sessions take no segmented profiles")
    await expect(
      session.uploadReferenceProfile({ datasetId: "d", alias: "a", bytes: bytes(1) }),
    ).rejects.toBeInstanceOf(UploadNotSupportedError)
    expect(fixture.platform.requests()).toHaveLength(0)
  })

  it("uploads nothing from a local session", async () => {
    const session = await init({ reinit: true, forceLocal: true })
    open.push(session)
    await expect(
      session.uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: bytes(1) }),
    ).rejects.toMatchObject({
      _tag: "UploadNotSupportedError",
      kind: "local",
    })
  })
})

describe("session events", () => {
  it("reports an upload to onProgress: started, progress, a failed attempt that will be retried, success", async () => {
    const session = await whylabs()
    const seen: UploadEvent[] = []
    const unsubscribe = session.onProgress((event) => seen.push(event))
    fixture.platform.faults.failNext(1, 503, "upload")
    await session.uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: new Uint8Array(70_000) })
    await unsubscribe()
    expect(seen.map((e) => e._tag)).toEqual([
      "UploadStarted",
      "UploadProgress",
      "UploadProgress",
      "UploadFailed",
      "UploadProgress",
      "UploadProgress",
      "UploadSucceeded",
    ])
    expect(seen[3]).toMatchObject({ willRetry: true, attempt: 1, error: "PlatformError" })
    expect(seen.filter((e) => e._tag === "UploadProgress").map((e) => e.sentBytes)).toEqual([
      65_536, 70_000, 65_536, 70_000,
    ])
    expect(seen[6]).toMatchObject({ uploadKey: "upload-1", bytes: 70_000, attempts: 3 })
    // Unsubscribed: later uploads are not reported.
    await session.uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: bytes(1) })
    expect(seen).toHaveLength(7)
  })

  it("writes events as JSON lines at verbosity 0, 1 and 2, in a 0600 file, flushed on close", async () => {
    const session = await whylabs({ retry: { maxRetries: 0 } })
    const paths = [0, 1, 2].map((v) => join(fixture.sandbox.dir, `events-${v}.jsonl`))
    for (const [verbosity, path] of paths.entries())
      await session.logEventsToFile(path, verbosity as 0 | 1 | 2)
    await session.uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: bytes(1) })
    fixture.platform.faults.failNext(1, 500, "api")
    await session
      .uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: bytes(1) })
      .catch(() => undefined)
    session.publish(
      new ProfileWritten({
        datasetId: "d",
        datasetTimestamp: 0,
        destination: "/tmp/x.bin",
        bytes: 1,
        segmentTags: [],
      }),
    )
    session.publish(new RowsDropped({ datasetId: "d", count: 3, reason: "queue full" }))
    await session.close()
    const tags = async (path: string) =>
      (await readFile(path, "utf8"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { time: string; _tag: string })
    const [quiet, normal, verbose] = await Promise.all(paths.map(tags))
    expect(quiet?.map((e) => e._tag)).toEqual(["UploadFailed", "RowsDropped"])
    expect(normal?.map((e) => e._tag)).toEqual([
      "UploadStarted",
      "UploadSucceeded",
      "UploadStarted",
      "UploadFailed",
      "ProfileWritten",
      "RowsDropped",
    ])
    expect(verbose?.map((e) => e._tag)).toEqual([
      "UploadStarted",
      "UploadProgress",
      "UploadSucceeded",
      "UploadStarted",
      "UploadFailed",
      "ProfileWritten",
      "RowsDropped",
    ])
    expect(Number.isNaN(Date.parse(normal?.[0]?.time ?? ""))).toBe(false)
    for (const path of paths) expect((await stat(path)).mode & 0o777).toBe(0o600)
  })

  it("stops an event log on request, and reports a file it cannot open as SessionFileError", async () => {
    const session = await whylabs()
    const path = join(fixture.sandbox.dir, "events.jsonl")
    const stop = await session.logEventsToFile(path)
    session.publish(new RowsDropped({ datasetId: "d", count: 1, reason: "r" }))
    await stop()
    session.publish(new RowsDropped({ datasetId: "d", count: 2, reason: "r" }))
    expect((await readFile(path, "utf8")).trim().split("\n")).toHaveLength(1)
    await writeFile(join(fixture.sandbox.dir, "file"), "")
    await expect(session.logEventsToFile(join(fixture.sandbox.dir, "file", "below"))).rejects.toMatchObject({
      _tag: "SessionFileError",
    })
  })
})

describe("subscriptions that outlive the session", () => {
  it("stopping an event log or a progress callback after the session closed resolves: the close already stopped it", async () => {
    const session = await whylabs()
    const path = join(fixture.sandbox.dir, "late.jsonl")
    const stopLog = await session.logEventsToFile(path)
    const stopProgress = session.onProgress(() => undefined)
    session.publish(new RowsDropped({ datasetId: "d", count: 1, reason: "r" }))
    await session.close()
    await expect(stopLog()).resolves.toBeUndefined()
    await expect(stopProgress()).resolves.toBeUndefined()
    expect((await readFile(path, "utf8")).trim().split("\n")).toHaveLength(1)
  })
})

describe("the Effect face", () => {
  it("Session.layerTest binds to the fake platform and ignores the process environment", async () => {
    fixture.sandbox.setEnv({ WHYLABS_API_KEY: "garbage", WHYLABS_DEFAULT_DATASET_ID: "from-env" })
    const program = Effect.gen(function* () {
      const session = yield* Session
      const events = yield* session.subscribe
      const receipt = yield* session.uploadProfile({ datasetId: "fx", datasetTimestamp: 0, bytes: bytes(5) })
      const first = yield* Queue.take(events)
      return { receipt, first, status: yield* session.status }
    })
    const { receipt, first, status } = await Effect.runPromise(
      Effect.scoped(program).pipe(Effect.provide(Session.layerTest({ platform: fixture.platform }))),
    )
    expect(receipt.datasetId).toBe("fx")
    expect((first as SessionEvent)._tag).toBe("UploadStarted")
    expect([status.kind, status.defaultDatasetId]).toEqual(["whylabs", undefined])
    expect(fixture.platform.profiles({ datasetId: "fx" })).toHaveLength(1)
  })

  it("Session.layerLocal and Session.layerTest() without a platform are local", async () => {
    const kinds = await Effect.runPromise(
      Effect.all([
        Effect.map(Session, (s) => s.kind).pipe(Effect.provide(Session.layerLocal)),
        Effect.map(Session, (s) => s.kind).pipe(Effect.provide(Session.layerTest())),
      ]),
    )
    expect(kinds).toEqual(["local", "local"])
  })
})
