import { mkdtemp, readFile, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { login } from "@sketchlog/core/session"
import { configSandbox, FakePlatform } from "@sketchlog/test-fixtures"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { ExpressDemoStatus } from "../src/children/expressDemo.js"
import { FigureLog } from "../src/Figures.js"
import { burst, demoTraffic } from "../src/HttpTraffic.js"
import { platformRows, quickRetry, sandboxEnv } from "../src/PlatformRun.js"
import { httpRows, outboxRows, readProfiles, total } from "../src/ProfileFiles.js"
import { ServerProcess } from "../src/ServerProcess.js"
import { scale, suiteMode } from "../src/SuiteMode.js"

const expressDemo = fileURLToPath(new URL("../src/children/expressDemo.ts", import.meta.url))
/** The demo's own entry, as `pnpm --filter @sketchlog/express-demo start` runs it. */
const demoMain = fileURLToPath(new URL("../../../apps/express-demo/src/main.ts", import.meta.url))
const figures = new FigureLog(import.meta.filename)

let platform: FakePlatform
let dir: string
const servers: ServerProcess[] = []
beforeAll(async () => {
  platform = await FakePlatform.start({ seed: 5 })
})
afterAll(() => platform.close())
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop()
  platform.reset()
  await rm(dir, { recursive: true, force: true })
})

const rowsOnDisk = async (profileDir: string) =>
  (await readProfiles(profileDir)).reduce((n, p) => n + httpRows(p.view), 0)

describe(`the product when its own process is stopped or breaks (${suiteMode})`, () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} mid-burst to the demo's own entry: exit 0, and every request answered before it is in a profile on disk`, async () => {
      dir = await mkdtemp(join(tmpdir(), "sketchlog-signal-"))
      const profileDir = join(dir, "profiles")
      const server = await ServerProcess.start(demoMain, {
        env: sandboxEnv(join(dir, "config"), {
          PORT: "0",
          HOST: "127.0.0.1",
          SKETCHLOG_PROFILE_DIR: profileDir,
        }),
        readyPattern: /loan-scoring API on (http:\/\/\S+)/,
      })
      servers.push(server)
      const n = 10 * scale.requestsPerPhase
      const report = await burst(server.ready.url, n, 16, demoTraffic(11), (i) => {
        if (i === Math.floor(n / 2)) server.signal(signal)
      })
      const exit = await server.waitForExit(60_000)
      const onDisk = await rowsOnDisk(profileDir)
      figures.record(
        "faults",
        `${signal} mid-burst (${n} requests, 16 at a time): answered / on disk`,
        `${report.answered} / ${onDisk}`,
        "rows",
        "equal",
      )
      expect(exit, server.output()).toMatchObject({ code: 0, timedOut: false })
      expect(report.answered).toBeGreaterThan(n / 4)
      expect(onDisk).toBe(report.answered)
    })
  }

  it("a crashed logger worker (worker mode): the server keeps answering, the worker restarts, and its rows are counted as worker-crash, never hidden", async () => {
    dir = await mkdtemp(join(tmpdir(), "sketchlog-worker-"))
    const profileDir = join(dir, "profiles")
    const server = await ServerProcess.start(expressDemo, {
      config: { profileDir, sketchlog: { logger: { mode: "worker", writeSchedule: null } } },
      env: sandboxEnv(join(dir, "config")),
    })
    servers.push(server)
    const n = 3 * scale.requestsPerPhase
    const before = await burst(server.ready.url, n, 8, demoTraffic(21))
    await server.ask("crash-worker")
    const after = await burst(server.ready.url, n, 8, demoTraffic(22))
    const final = await server.ask<ExpressDemoStatus>("close")
    const onDisk = await rowsOnDisk(profileDir)
    const crashed = final.logger?.rows.droppedByReason["worker-crash"] ?? 0
    const accounted =
      onDisk + total(final.logger?.rows.droppedByReason ?? {}) + total(final.profiler.exchanges.dropped)
    figures.record(
      "faults",
      "worker crash: requests answered / on disk / counted worker-crash",
      `${before.answered + after.answered} / ${onDisk} / ${crashed}`,
      "rows",
      "on disk + dropped = received",
    )
    expect(before.answered + after.answered).toBe(2 * n)
    expect(final.logger?.worker?.restarts).toBe(1)
    expect(final.requests.all).toBe(2 * n)
    expect(accounted).toBe(2 * n)
    // Rows logged after the restart are profiled by the new worker.
    expect(onDisk).toBeGreaterThanOrEqual(n)
    await server.ask("exit")
  })

  it("two processes sharing one config dir and token cache, tokens expiring mid-run: both renew, neither breaks the cache, every row arrives once", async () => {
    dir = await mkdtemp(join(tmpdir(), "sketchlog-shared-"))
    await using sandbox = await configSandbox()
    await login({ ...platform.oauthClient, apiUrl: platform.url })
    const cacheFile = join(sandbox.dir, "sketchlog-token.json")
    const start = async (name: string) => {
      const server = await ServerProcess.start(expressDemo, {
        config: {
          profileDir: join(dir, name),
          sketchlog: {
            datasetId: name,
            sessionOptions: { interactive: false, timeout: "2 seconds" },
            logger: { writeSchedule: { cadence: "second", interval: 1 }, retry: quickRetry },
          },
        },
        env: sandboxEnv(sandbox.dir, { WHYLABS_API_ENDPOINT: platform.url }),
      })
      servers.push(server)
      return server
    }
    const [a, b] = await Promise.all([start("replica-a"), start("replica-b")])
    const n = 4 * scale.requestsPerPhase
    const grantsBefore = platform.tokenGrants().length
    const traffic = (server: ServerProcess, seed: number) =>
      burst(server.ready.url, n, 4, demoTraffic(seed), (i) => {
        if (i === Math.floor(n / 2)) platform.faults.expireTokens()
      })
    const [ra, rb] = await Promise.all([traffic(a, 31), traffic(b, 32)])
    // Let the schedule write with the expired tokens, then close both at once.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    const [fa, fb] = await Promise.all([a.ask<ExpressDemoStatus>("close"), b.ask<ExpressDemoStatus>("close")])
    const stored = platformRows(platform)
    const renewals = platform.tokenGrants().length - grantsBefore
    const cache = JSON.parse(await readFile(cacheFile, "utf8")) as { accessToken: string }
    const mode = (await stat(cacheFile)).mode & 0o777
    const outbox =
      total((await outboxRows(join(dir, "replica-a", ".outbox"))).byDataset) +
      total((await outboxRows(join(dir, "replica-b", ".outbox"))).byDataset)
    figures.record(
      "faults",
      "shared token cache: token renewals after expiry, two processes",
      renewals,
      "grants",
      "1–4",
    )
    figures.record(
      "faults",
      "shared token cache: rows stored, replica a / b",
      `${stored["replica-a"] ?? 0} / ${stored["replica-b"] ?? 0}`,
      `of ${n} each`,
      "all",
    )
    expect(ra.answered + rb.answered).toBe(2 * n)
    expect(fa.logger?.rows.dropped).toBe(0)
    expect(fb.logger?.rows.dropped).toBe(0)
    expect(outbox).toBe(0)
    expect(stored).toEqual({ "replica-a": n, "replica-b": n })
    expect(renewals).toBeGreaterThanOrEqual(1)
    expect(renewals).toBeLessThanOrEqual(4)
    expect(typeof cache.accessToken).toBe("string")
    expect(mode).toBe(0o600)
    await Promise.all([a.ask("exit"), b.ask("exit")])
  })
})
