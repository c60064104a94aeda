import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { FakePlatform } from "@sketchlog/test-fixtures"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { ExpressDemoStatus } from "../src/children/expressDemo.js"
import { FigureLog } from "../src/Figures.js"
import { burst, demoTraffic } from "../src/HttpTraffic.js"
import { outage, platformRows, sandboxEnv, uploadingDemo } from "../src/PlatformRun.js"
import { outboxRows, total } from "../src/ProfileFiles.js"
import { ServerProcess } from "../src/ServerProcess.js"
import { scale, suiteMode } from "../src/SuiteMode.js"

const expressDemo = fileURLToPath(new URL("../src/children/expressDemo.ts", import.meta.url))
const figures = new FigureLog(import.meta.filename)

let platform: FakePlatform
let dir: string
const servers: ServerProcess[] = []
beforeAll(async () => {
  platform = await FakePlatform.start({ seed: 17 })
})
afterAll(() => platform.close())
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop()
  platform.reset()
  await rm(dir, { recursive: true, force: true })
})

const startDemo = async (logger: Readonly<Record<string, unknown>> = {}, extra = {}) => {
  const server = await ServerProcess.start(expressDemo, {
    config: { ...uploadingDemo(platform, join(dir, "profiles"), logger), ...extra },
    env: sandboxEnv(join(dir, "config")),
  })
  servers.push(server)
  return server
}

const dataset = (name: string) => ({ "x-reliability-dataset": name })

describe(`the product against a failing platform (${suiteMode})`, () => {
  it("each fault alone, then all at once: requests are answered throughout, and after recovery every row is on the platform exactly once", async () => {
    dir = await mkdtemp(join(tmpdir(), "sketchlog-faults-"))
    const server = await startDemo()
    const url = server.ready.url
    const n = scale.requestsPerPhase
    const phases: Array<{ name: string; inject: () => void }> = [
      {
        name: "status-5xx",
        inject: () => platform.faults.failFraction(0.5, 503, "api").failFraction(0.5, 502, "upload"),
      },
      { name: "rate-limited", inject: () => platform.faults.rateLimit(3, 1, "api") },
      { name: "hang-past-timeout", inject: () => platform.faults.hang(3, "upload").hang(1, "api") },
      {
        name: "connection-reset",
        inject: () => platform.faults.dropConnection(3, "api").dropConnection(3, "upload"),
      },
      {
        name: "combined",
        inject: () =>
          platform.faults
            .rateLimit(1, 1, "api")
            .hang(1, "upload")
            .dropConnection(2, "any")
            .failFraction(0.4, 503, "api")
            .failFraction(0.4, 500, "upload"),
      },
    ]
    for (const [i, phase] of phases.entries()) {
      platform.faults.clear()
      phase.inject()
      const before = platform.requests().length
      const t0 = performance.now()
      const sent = await burst(url, n, 8, demoTraffic(100 + i, dataset(phase.name)))
      await server.ask("flush")
      const flushMillis = performance.now() - t0
      const seen = platform.requests().slice(before)
      const faulted = seen.filter((r) => r.fault !== undefined).length
      const stored = platformRows(platform)[phase.name] ?? 0
      const waiting = (await outboxRows(join(dir, "profiles", ".outbox"))).byDataset[phase.name] ?? 0
      figures.record(
        "faults",
        `platform ${phase.name}: faults hit / rows stored at once / rows in the outbox`,
        `${faulted} / ${stored} / ${waiting}`,
        `of ${n} rows`,
        "stored + outbox = sent",
      )
      figures.record("faults", `platform ${phase.name}: traffic + flush`, Math.round(flushMillis), "ms")
      expect(sent.answered, JSON.stringify(sent)).toBe(n)
      expect(faulted).toBeGreaterThan(0)
      expect(stored + waiting).toBe(n)
      if (phase.name === "rate-limited") {
        // Retry-After: 1 is waited out (uploads run 4 at a time, so other profiles' announcements may come
        // in between): the last announcement comes a second after the first 429, and each 429 cost
        // exactly one more announcement.
        const api = seen.filter((r) => r.route === "api")
        const first429 = api.find((r) => r.fault === "status")!.receivedAt.getTime()
        const waited = api[api.length - 1]!.receivedAt.getTime() - first429
        const puts = seen.filter((r) => r.route === "upload").length
        figures.record(
          "faults",
          "429 with Retry-After: 1 — last announcement after the first 429",
          waited,
          "ms",
          "≥ 950",
        )
        expect(waited).toBeGreaterThanOrEqual(950)
        expect(api.length).toBe(puts + 3)
      }
    }

    // Recovery: the platform answers again; a flush replays the outbox.
    platform.faults.clear()
    await server.ask("flush")
    const final = await server.ask<ExpressDemoStatus>("close")
    const stored = platformRows(platform)
    const outbox = await outboxRows(join(dir, "profiles", ".outbox"))
    figures.record(
      "faults",
      "platform faults: rows lost or sent twice after recovery",
      total(stored) - n * phases.length,
      "rows",
      "= 0",
    )
    expect(outbox.entries).toBe(0)
    for (const phase of phases) expect(stored[phase.name], phase.name).toBe(n)
    expect(final.logger?.rows.dropped).toBe(0)
    expect(final.logger?.writers[0]?.retries).toBeGreaterThan(0)
    expect(final.requests.all).toBe(n * phases.length)
    await server.ask("exit")
  })

  it("the platform down for a while, then back: requests never wait for it, and every row reaches it", async () => {
    dir = await mkdtemp(join(tmpdir(), "sketchlog-outage-"))
    const server = await startDemo({
      writeSchedule: { cadence: "second", interval: 1 },
      retry: { maxRetries: 2, baseDelay: "50 millis", maxDelay: "200 millis" },
    })
    const url = server.ready.url
    const traffic = demoTraffic(7, dataset("outage"))
    let sent = 0
    let answered = 0
    let slowest = 0
    const sendFor = async (millis: number) => {
      const until = Date.now() + millis
      while (Date.now() < until) {
        const t0 = performance.now()
        const report = await burst(url, 20, 4, (i) => traffic(sent + i))
        slowest = Math.max(slowest, performance.now() - t0)
        sent += report.sent
        answered += report.answered
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    await sendFor(1_500)
    const down = outage(platform)
    await sendFor(scale.outageMillis)
    const duringOutage = await server.ask<ExpressDemoStatus>("status")
    down.end()
    const upAt = Date.now()
    const storedBefore = platform.profiles().length
    await sendFor(2_500)
    // New writes reach the platform on the schedule again.
    const recovered = platform.profiles().slice(storedBefore)[0]
    const recoveryMillis = recovered === undefined ? -1 : recovered.receivedAt.getTime() - upAt
    const waiting = await outboxRows(join(dir, "profiles", ".outbox"))
    await server.ask("flush")
    const final = await server.ask<ExpressDemoStatus>("close")
    const stored = platformRows(platform).outage ?? 0
    figures.record(
      "faults",
      `platform down ${scale.outageMillis / 1000} s: requests answered`,
      `${answered} / ${sent}`,
      "",
      "all",
    )
    figures.record(
      "faults",
      "platform down: slowest burst of 20 requests meanwhile",
      Math.round(slowest),
      "ms",
    )
    figures.record(
      "faults",
      "platform down: profiles kept in the outbox meanwhile",
      duringOutage.logger?.outbox?.entries ?? 0,
      "profiles",
    )
    figures.record(
      "faults",
      "platform back: first scheduled upload stored after",
      recoveryMillis,
      "ms",
      "≤ 2500",
    )
    figures.record(
      "faults",
      "platform back: outbox entries still waiting for a flush/close/restart",
      waiting.entries,
      "profiles",
    )
    figures.record("faults", "platform outage: rows lost or sent twice", stored - sent, "rows", "= 0")
    expect(answered).toBe(sent)
    expect(duringOutage.logger?.outbox?.entries).toBeGreaterThan(0)
    expect(recoveryMillis).toBeGreaterThanOrEqual(0)
    expect(recoveryMillis).toBeLessThanOrEqual(2_500)
    expect(stored).toBe(sent)
    expect(final.logger?.outbox?.entries).toBe(0)
    expect(final.logger?.rows.dropped).toBe(0)
    await server.ask("exit")
  })

  it("close while every upload hangs: close ends at closeTimeout, the hung profiles wait in the outbox (no stack trace printed), and the next process sends them", async () => {
    dir = await mkdtemp(join(tmpdir(), "sketchlog-close-hang-"))
    // Platform calls would wait a minute: close's own bound (1.5 s) is what ends the hung writes.
    const first = await ServerProcess.start(expressDemo, {
      config: uploadingDemo(
        platform,
        join(dir, "profiles"),
        { closeTimeout: "1500 millis" },
        { timeout: "60 seconds" },
      ),
      env: sandboxEnv(join(dir, "config")),
    })
    servers.push(first)
    const n = scale.requestsPerPhase
    const sent = await burst(first.ready.url, n, 8, demoTraffic(9, dataset("close-hang")))
    platform.faults.hang(1_000, "upload")
    const t0 = performance.now()
    await first.ask("close")
    const closeMillis = performance.now() - t0
    const kept = await outboxRows(join(dir, "profiles", ".outbox"))
    await first.ask("exit")
    await first.waitForExit()
    platform.faults.clear()
    const second = await startDemo()
    await second.ask("close")
    const stored = platformRows(platform)["close-hang"] ?? 0
    const traces = first.stderr.split("\n").filter((line) => /^Trace|^\s+at /.test(line))
    figures.record(
      "faults",
      "close with every upload hanging (closeTimeout 1.5 s): close took",
      Math.round(closeMillis),
      "ms",
      "≤ 4500",
    )
    figures.record(
      "faults",
      "close with every upload hanging: rows kept in the outbox / stored by the next process",
      `${kept.rows} / ${stored}`,
      `of ${n}`,
      "all / all",
    )
    figures.record(
      "faults",
      "close with every upload hanging: stack-trace lines printed",
      traces.length,
      "lines",
      "= 0",
    )
    expect(sent.answered).toBe(n)
    expect(closeMillis).toBeLessThanOrEqual(4_500)
    expect(kept.rows).toBe(n)
    expect(stored).toBe(n)
    expect(traces).toEqual([])
    await second.ask("exit")
  })

  it("combined with SIGTERM mid-burst while the platform is down: what the dying process could not upload waits in the outbox, and the next process sends it", async () => {
    dir = await mkdtemp(join(tmpdir(), "sketchlog-restart-"))
    const first = await startDemo(
      { retry: { maxRetries: 1, baseDelay: "20 millis" } },
      { exitOnSignal: true },
    )
    platform.faults.failFraction(0.3, 503, "api").dropConnection(2, "upload").hang(1, "upload")
    const warm = await burst(first.ready.url, 100, 8, demoTraffic(3, dataset("restart")))
    await first.ask("flush")
    outage(platform)
    const n = 6 * scale.requestsPerPhase
    let signalled = false
    const report = await burst(first.ready.url, n, 8, demoTraffic(4, dataset("restart")), (i) => {
      if (i === Math.floor(n / 2) && !signalled) {
        signalled = true
        first.signal("SIGTERM")
      }
    })
    const exit = await first.waitForExit(60_000)
    const dying = JSON.parse(first.stdout.trim().split("\n").pop() ?? "{}") as { final?: ExpressDemoStatus }
    const kept = await outboxRows(join(dir, "profiles", ".outbox"))
    platform.faults.clear()

    const second = await startDemo()
    const final = await second.ask<ExpressDemoStatus>("close")
    const answered = warm.answered + report.answered
    const stored = platformRows(platform).restart ?? 0
    figures.record(
      "faults",
      "SIGTERM mid-burst, platform down: answered before exit / kept in the outbox / stored after restart",
      `${answered} / ${kept.rows} / ${stored}`,
      "rows",
      "stored = answered",
    )
    expect(exit).toMatchObject({ code: 0, timedOut: false })
    expect(dying.final?.logger?.rows.dropped).toBe(0)
    expect(report.answered).toBeGreaterThan(0)
    expect(report.answered).toBeLessThan(n)
    expect(kept.rows).toBeGreaterThan(0)
    expect(final.logger?.outbox?.entries).toBe(0)
    expect(stored).toBe(answered)
    await second.ask("exit")
  })
})
