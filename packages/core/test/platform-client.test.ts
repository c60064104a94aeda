import { readFileSync } from "node:fs"
import { it } from "@effect/vitest"
import { FakePlatform } from "@sketchlog/test-fixtures"
import { Chunk, Duration, Effect, Either, Exit, Fiber, Redacted, TestClock } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect } from "vitest"
import * as NodeHttpClient from "../src/node/NodeHttpClient.js"
import {
  checkEndpoint,
  makePlatformClient,
  PlatformAuth,
  parseRetryAfter,
  type RetryNotice,
  RetryPolicy,
  USER_AGENT,
} from "../src/platform/index.js"

let platform: FakePlatform
beforeAll(async () => {
  platform = await FakePlatform.start()
})
afterAll(() => platform.close())
beforeEach(() => platform.reset())

/** Fast retries so the suite stays quick; the arithmetic itself is checked separately. */
const fastRetry: RetryPolicy = { ...RetryPolicy.default, baseDelay: "2 millis", maxDelay: "10 millis" }

const makeClient = (
  options: {
    maxConcurrency?: number
    timeout?: Duration.DurationInput
    retry?: RetryPolicy
    key?: string
  } = {},
) =>
  Effect.gen(function* () {
    const semaphore = yield* Effect.makeSemaphore(options.maxConcurrency ?? 8)
    return yield* makePlatformClient(
      {
        endpoint: new URL(platform.url),
        timeout: options.timeout ?? "10 seconds",
        retry: options.retry ?? fastRetry,
        allowInsecure: false,
        semaphore,
      },
      PlatformAuth.apiKey(Redacted.make(options.key ?? platform.apiKey), "KEYID"),
    )
  })

const announce = { orgId: "org-fake", datasetId: "model-1", datasetTimestamp: 1_000, segmentTags: [] }

describe("RetryPolicy arithmetic", () => {
  it("doubles from the base delay, caps at maxDelay, and jitters into [delay/2, delay]", () => {
    const policy: RetryPolicy = { ...RetryPolicy.default, baseDelay: "100 millis", maxDelay: "1 second" }
    const ms = (retry: number, draw: number) => Duration.toMillis(RetryPolicy.backoff(policy, retry, draw))
    expect([1, 2, 3, 4, 5].map((r) => ms(r, 1))).toEqual([100, 200, 400, 800, 1000])
    expect([1, 2, 3, 4, 5].map((r) => ms(r, 0))).toEqual([50, 100, 200, 400, 500])
    expect(ms(3, 0.5)).toBe(300)
    const plain = { ...policy, jitter: false }
    expect(Duration.toMillis(RetryPolicy.backoff(plain, 2, 0))).toBe(200)
  })

  it("reads Retry-After as seconds or as an HTTP date, and ignores what it cannot read", () => {
    const now = Date.parse("2025-01-01T00:00:00Z")
    expect(parseRetryAfter("7", now)).toBe(7000)
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000)
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now)).toBe(0)
    expect(parseRetryAfter("soon", now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })

  it("merges overrides field by field, ignoring undefined", () => {
    const merged = RetryPolicy.merge(RetryPolicy.default, { maxRetries: 1, baseDelay: undefined } as never)
    expect(merged.maxRetries).toBe(1)
    expect(merged.baseDelay).toBe(RetryPolicy.default.baseDelay)
  })
})

describe("endpoints and identity", () => {
  it("accepts https everywhere and plain http only on loopback or with allowInsecure", () => {
    const ok = (url: string, insecure = false) => Either.isRight(checkEndpoint(url, insecure))
    expect(ok("https://api.whylabsapp.com")).toBe(true)
    expect(ok("http://127.0.0.1:8080")).toBe(true)
    expect(ok("http://127.9.9.9")).toBe(true)
    expect(ok("http://localhost:3000")).toBe(true)
    expect(ok("http://[::1]:3000")).toBe(true)
    expect(ok("http://api.example.com")).toBe(false)
    expect(ok("http://api.example.com", true)).toBe(true)
    expect(ok("ftp://127.0.0.1")).toBe(false)
    expect(ok("not a url")).toBe(false)
  })

  it("names sketchlog and the package version in the User-Agent", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string
    }
    expect(USER_AGENT).toBe(`sketchlog/${pkg.version}`)
  })

  it.live(
    "sends the User-Agent and key on the announcement, and the bytes as octet-stream with a length on the PUT",
    () =>
      Effect.gen(function* () {
        const client = yield* makeClient()
        const ticket = yield* client.startProfileUpload(announce)
        yield* client.putProfile(ticket.uploadUrl, new Uint8Array(100_000))
        const [post, put] = platform.requests()
        expect(post?.headers["user-agent"]).toBe(USER_AGENT)
        expect(post?.headers["x-api-key"]).toBe(platform.apiKey)
        expect(put?.headers["user-agent"]).toBe(USER_AGENT)
        expect(put?.headers["x-api-key"]).toBeUndefined() // presigned: no credentials
        expect(put?.headers["content-type"]).toBe("application/octet-stream")
        expect(put?.headers["content-length"]).toBe("100000")
        expect(platform.profiles()[0]?.bytes.byteLength).toBe(100_000)
      }).pipe(Effect.provide(NodeHttpClient.layer)),
  )

  it.live("reports PUT progress in chunks up to the total", () =>
    Effect.gen(function* () {
      const client = yield* makeClient()
      const ticket = yield* client.startProfileUpload(announce)
      const seen: number[] = []
      yield* client.putProfile(ticket.uploadUrl, new Uint8Array(150_000), {
        onProgress: (sent) => Effect.sync(() => seen.push(sent)),
      })
      expect(seen).toEqual([65_536, 131_072, 150_000])
    }).pipe(Effect.provide(NodeHttpClient.layer)),
  )

  it.live("refuses a plain-http upload URL off loopback without sending anything", () =>
    Effect.gen(function* () {
      const client = yield* makeClient()
      const error = yield* Effect.flip(
        client.putProfile("http://uploads.example.com/x?sig=SECRET", new Uint8Array(1)),
      )
      expect(error._tag).toBe("PlatformError")
      expect(error.message).toContain("plain http://")
      expect(error.message).not.toContain("SECRET")
    }).pipe(Effect.provide(NodeHttpClient.layer)),
  )
})

describe("retries", () => {
  it.live("retries 503 with backoff until the call succeeds", () =>
    Effect.gen(function* () {
      platform.faults.failNext(2, 503, "api")
      const notices: RetryNotice[] = []
      const client = yield* makeClient()
      const ticket = yield* client.startProfileUpload(announce, {
        onRetry: (n) => Effect.sync(() => notices.push(n)),
      })
      expect(ticket.uploadUrl).toContain("/upload/")
      expect(platform.requests(/log\/async/)).toHaveLength(3)
      expect(notices.map((n) => [n.retry, n.error._tag])).toEqual([
        [1, "PlatformError"],
        [2, "PlatformError"],
      ])
      for (const n of notices) expect(Duration.toMillis(n.delay)).toBeLessThanOrEqual(10)
    }).pipe(Effect.provide(NodeHttpClient.layer)),
  )

  it.live("retries 408 and a dropped connection, but not a 400 or a rejected key", () =>
    Effect.gen(function* () {
      const client = yield* makeClient()
      platform.faults.failNext(1, 408, "api").dropConnection(1, "api")
      yield* client.startProfileUpload(announce)
      expect(platform.requests(/log\/async/).map((r) => r.fault)).toEqual(["status", "drop", undefined])

      platform.reset()
      platform.faults.failNext(1, 400, "api")
      const bad = yield* Effect.flip(client.startProfileUpload(announce))
      expect(bad).toMatchObject({ _tag: "PlatformError", status: 400, retryable: false })
      expect(platform.requests()).toHaveLength(1)

      platform.reset()
      const wrongKey = yield* makeClient({ key: "WRONGKEY00.not-a-real-secret:org-fake" })
      const rejected = yield* Effect.flip(wrongKey.startProfileUpload(announce))
      expect(rejected._tag).toBe("AuthError")
      expect(rejected.message).toContain("API key KEYID")
      expect(rejected.message).not.toContain("not-a-real-secret")
      expect(platform.requests()).toHaveLength(1)
    }).pipe(Effect.provide(NodeHttpClient.layer)),
  )

  it.live("rides out a platform that refuses connections for a while", () =>
    Effect.gen(function* () {
      platform.faults.down(150)
      const client = yield* makeClient({
        retry: { ...fastRetry, baseDelay: "100 millis", maxDelay: "200 millis" },
      })
      const ticket = yield* client.startProfileUpload(announce)
      expect(ticket.id).toMatch(/^log-/)
    }).pipe(Effect.provide(NodeHttpClient.layer)),
  )

  it.live("gives up after maxRetries with the last error", () =>
    Effect.gen(function* () {
      platform.faults.failNext(10, 500, "api")
      const client = yield* makeClient({ retry: { ...fastRetry, maxRetries: 2 } })
      const error = yield* Effect.flip(client.startProfileUpload(announce))
      expect(error).toMatchObject({ _tag: "PlatformError", status: 500, retryable: true })
      expect(platform.requests()).toHaveLength(3)
    }).pipe(Effect.provide(NodeHttpClient.layer)),
  )

  it.effect("waits exactly the Retry-After the platform asks for (TestClock), not the backoff", () =>
    Effect.gen(function* () {
      platform.faults.rateLimit(1, 7, "api")
      const client = yield* makeClient({ retry: { ...RetryPolicy.default, baseDelay: "1 millis" } })
      const fiber = yield* Effect.fork(client.startProfileUpload(announce))
      yield* Effect.promise(() => platform.waitForRequests(1))
      // Wait (in real time) until the client has received the 429 and gone to sleep on the test clock.
      const start = yield* TestClock.currentTimeMillis
      const sleeps = yield* Effect.gen(function* () {
        for (;;) {
          const pending = Chunk.toReadonlyArray(yield* TestClock.sleeps())
          if (pending.includes(start + 7000)) return pending
          yield* Effect.promise(() => new Promise((r) => setTimeout(r, 5)))
        }
      })
      expect(sleeps).toContain(start + 7000)
      yield* TestClock.adjust("6999 millis")
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 30)))
      expect(platform.requests()).toHaveLength(1) // still waiting
      yield* TestClock.adjust("1 millis")
      const ticket = yield* Fiber.join(fiber)
      expect(ticket.id).toMatch(/^log-/)
      expect(platform.requests()).toHaveLength(2)
    }).pipe(Effect.provide(NodeHttpClient.layer)),
  )

  it.live("fails at once when Retry-After exceeds maxRetryAfter, carrying the wait", () =>
    Effect.gen(function* () {
      platform.faults.rateLimit(1, 3600, "api")
      const client = yield* makeClient()
      const error = yield* Effect.flip(client.startProfileUpload(announce))
      expect(error).toMatchObject({ _tag: "PlatformError", status: 429, retryAfterMillis: 3_600_000 })
      expect(platform.requests()).toHaveLength(1)
    }).pipe(Effect.provide(NodeHttpClient.layer)),
  )
})

describe("timeouts and concurrency", () => {
  it.live("abandons a call that outlives its timeout with a TimeoutError", () =>
    Effect.gen(function* () {
      platform.faults.hang(1, "api")
      const client = yield* makeClient({ timeout: "150 millis", retry: RetryPolicy.none })
      const error = yield* Effect.flip(client.startProfileUpload(announce))
      expect(error).toMatchObject({ _tag: "TimeoutError", operation: "POST log/async", timeoutMillis: 150 })
    }).pipe(Effect.provide(NodeHttpClient.layer)),
  )

  it.live("retries a timed-out call", () =>
    Effect.gen(function* () {
      platform.faults.hang(1, "api")
      const client = yield* makeClient({ timeout: "150 millis" })
      yield* client.startProfileUpload(announce)
      expect(platform.requests()).toHaveLength(2)
    }).pipe(Effect.provide(NodeHttpClient.layer)),
  )

  it.live("keeps at most maxConcurrency calls in flight under 100 parallel uploads", () =>
    Effect.gen(function* () {
      platform.faults.delay(10)
      const client = yield* makeClient({ maxConcurrency: 4 })
      const exits = yield* Effect.forEach(
        Array.from({ length: 100 }, (_, i) => i),
        (i) =>
          Effect.exit(
            Effect.flatMap(client.startProfileUpload({ ...announce, datasetTimestamp: i }), (t) =>
              client.putProfile(t.uploadUrl, new Uint8Array([i])),
            ),
          ),
        { concurrency: "unbounded" },
      )
      expect(exits.every(Exit.isSuccess)).toBe(true)
      expect(platform.profiles()).toHaveLength(100)
      // Never more than the cap; and close to it, so the calls did run in parallel (not one by one).
      expect(platform.stats().maxInFlight).toBeLessThanOrEqual(4)
      expect(platform.stats().maxInFlight).toBeGreaterThanOrEqual(3)
    }).pipe(Effect.provide(NodeHttpClient.layer)),
  )
})
