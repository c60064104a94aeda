import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import type { ExpressDemoStatus } from "../src/children/expressDemo.js"
import { FigureLog } from "../src/Figures.js"
import { type LoadRun, load, startHealthProbe } from "../src/Load.js"
import { httpRows, outboxRows, readProfiles, total } from "../src/ProfileFiles.js"
import { ServerProcess } from "../src/ServerProcess.js"
import { scale, suiteMode } from "../src/SuiteMode.js"

const expressDemo = fileURLToPath(new URL("../src/children/expressDemo.ts", import.meta.url))
const figures = new FigureLog(import.meta.filename ?? fileURLToPath(import.meta.url))
const MB = 1024 * 1024
/**
 * Connections of the paced runs. autocannon paces a rate by releasing each connection's share at
 * intervals, so many connections arrive in bursts that queue; 16 keep the pacing smooth and still
 * reach the server's capacity at a few milliseconds a request.
 */
const STEP_CONNECTIONS = 16

/** What the suite holds the load run to. */
const limits = {
  /** A rate is sustainable while p99 stays under this and ≥ 95 % of the offered rate is served. */
  sustainableP99Millis: 100,
  /** The demo on this two-core machine serves at least this many requests/s sustainably. */
  minSustainableRate: 150,
  /** Peak resident memory of the server process, sustained and overloaded (V8 lets garbage pile up to here). */
  maxRssMB: 600,
  /** Heap kept after a full collection, at the end of the overload. */
  maxRetainedHeapMB: 120,
  /** Heap kept after a full collection may grow at most this much from the sustained run to the end of the overload. */
  maxRetainedGrowthMB: 32,
  /** The worst answer to a health check while overloaded. */
  maxProbeMillis: 3_000,
}

let server: ServerProcess | undefined
let dir: string | undefined
afterAll(async () => {
  await server?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

const sustainable = (run: LoadRun) =>
  run.errors === 0 &&
  run.timeouts === 0 &&
  run.non2xx === 0 &&
  run.achieved >= 0.95 * run.offered &&
  run.p99 <= limits.sustainableP99Millis

describe(`load (${suiteMode})`, () => {
  it("the Express demo at its maximum sustainable rate, then 5× that: it stays up and answers, memory stays bounded, and every request is profiled or dropped with a reason", async () => {
    dir = await mkdtemp(join(tmpdir(), "sketchlog-load-"))
    server = await ServerProcess.start(expressDemo, {
      config: { profileDir: dir },
      nodeArgs: ["--expose-gc"],
    })
    const url = server.ready.url

    // Warm-up (JIT, lazily compiled modules), then the unthrottled capacity as the search's ceiling.
    await load(url, 2, 0, 8)
    const capacity = await load(url, scale.rateStepSeconds, 0, 64)
    figures.record("load", "capacity, unthrottled (64 connections)", capacity.achieved, "req/s")

    // Rising rate steps; the highest that keeps p99 and the served share is the rate. The
    // cores are shared, so a step that misses is tried once more before the search ends.
    let rate = 0
    let atRate: LoadRun | undefined
    const steps: string[] = []
    const sustainableRates: number[] = []
    // Past the measured capacity too: the unthrottled probe is itself a noisy figure on shared cores.
    for (const share of [0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0]) {
      const offered = Math.max(50, Math.round((capacity.achieved * share) / 10) * 10)
      let run = await load(url, scale.rateStepSeconds, offered, STEP_CONNECTIONS)
      if (!sustainable(run)) run = await load(url, scale.rateStepSeconds, offered, STEP_CONNECTIONS)
      steps.push(`${offered}: ${run.achieved} (p99 ${run.p99})`)
      if (!sustainable(run)) break
      rate = offered
      atRate = run
      sustainableRates.push(offered)
    }
    figures.record("load", "rate steps, offered: served (p99 ms)", steps.join("; "), "req/s")
    figures.record(
      "load",
      `maximum sustainable rate (p99 ≤ ${limits.sustainableP99Millis} ms, ≥ 95 % served, no error)`,
      rate,
      "req/s",
      `≥ ${limits.minSustainableRate}`,
    )
    expect(atRate, "no rate step was sustainable").toBeDefined()
    expect(rate).toBeGreaterThanOrEqual(limits.minSustainableRate)

    // Sustained. A step of a few seconds can pass just above what the server keeps up for longer (a
    // rolling flush or a major GC falls inside the longer run), so a rate the sustained run misses
    // without any error steps down once to the step below it; errors and drops fail at once.
    await server.ask("memory-reset")
    let sustained = await load(url, scale.sustainSeconds, rate, STEP_CONNECTIONS)
    const below = sustainableRates.at(-2)
    if (
      sustained.achieved < 0.9 * rate &&
      below !== undefined &&
      sustained.errors + sustained.timeouts + sustained.non2xx === 0
    ) {
      figures.record(
        "load",
        `sustained ${scale.sustainSeconds} s at ${rate}: served (missed; stepped down)`,
        sustained.achieved,
        "req/s",
      )
      rate = below
      await server.ask("memory-reset")
      sustained = await load(url, scale.sustainSeconds, rate, STEP_CONNECTIONS)
    }
    const afterSustain = await server.ask<ExpressDemoStatus>("status")
    const retainedSustain = await server.ask<{ heapUsed: number; rss: number }>("memory-retained")
    figures.record(
      "load",
      `sustained ${scale.sustainSeconds} s: served`,
      sustained.achieved,
      "req/s",
      `at ${rate}`,
    )
    figures.record("load", "sustained: latency p50 / p99", `${sustained.p50} / ${sustained.p99}`, "ms")
    figures.record(
      "load",
      "sustained: errors + timeouts + non-2xx",
      sustained.errors + sustained.timeouts + sustained.non2xx,
      "",
      "= 0",
    )
    figures.record("load", "sustained: rows dropped", afterSustain.logger?.rows.dropped ?? -1, "rows", "= 0")
    figures.record(
      "load",
      "sustained: server RSS peak",
      Math.round(afterSustain.memory.rss / MB),
      "MB",
      `≤ ${limits.maxRssMB}`,
    )
    figures.record("load", "sustained: server heap peak", Math.round(afterSustain.memory.heapUsed / MB), "MB")
    expect(sustained.errors + sustained.timeouts + sustained.non2xx).toBe(0)
    expect(sustained.achieved).toBeGreaterThanOrEqual(0.9 * rate)
    expect(afterSustain.logger?.rows.dropped).toBe(0)

    // Overloaded: five times the rate offered over twice the connections, a health probe alongside.
    await server.ask("memory-reset")
    const probe = startHealthProbe(url)
    const overloaded = await load(url, scale.overloadSeconds, 5 * rate, 128)
    const probed = await probe.stop()
    const afterOverload = await server.ask<ExpressDemoStatus>("status")
    const retainedOverload = await server.ask<{ heapUsed: number; rss: number }>("memory-retained")
    const growth = (retainedOverload.heapUsed - retainedSustain.heapUsed) / MB
    figures.record(
      "load",
      `5× overload ${scale.overloadSeconds} s: offered / served`,
      `${5 * rate} / ${overloaded.achieved}`,
      "req/s",
    )
    figures.record("load", "overload: latency p50 / p99", `${overloaded.p50} / ${overloaded.p99}`, "ms")
    figures.record(
      "load",
      "overload: client errors + timeouts",
      overloaded.errors + overloaded.timeouts,
      "",
      "= 0",
    )
    figures.record(
      "load",
      "overload: health probes answered",
      `${probed.answered} / ${probed.sent}`,
      "",
      "all",
    )
    figures.record(
      "load",
      "overload: slowest health probe",
      probed.maxMillis,
      "ms",
      `≤ ${limits.maxProbeMillis}`,
    )
    figures.record(
      "load",
      "overload: server RSS peak",
      Math.round(afterOverload.memory.rss / MB),
      "MB",
      `≤ ${limits.maxRssMB}`,
    )
    figures.record("load", "overload: server heap peak", Math.round(afterOverload.memory.heapUsed / MB), "MB")
    figures.record(
      "load",
      "retained heap after a full GC, sustained / overloaded",
      `${Math.round(retainedSustain.heapUsed / MB)} / ${Math.round(retainedOverload.heapUsed / MB)}`,
      "MB",
      `≤ ${limits.maxRetainedHeapMB}`,
    )
    figures.record(
      "load",
      "retained heap growth, sustained → overloaded",
      Math.round(growth * 10) / 10,
      "MB",
      `≤ ${limits.maxRetainedGrowthMB}`,
    )
    figures.record(
      "load",
      "overload: rows dropped (queue-full)",
      afterOverload.logger?.rows.droppedByReason["queue-full"] ?? 0,
      "rows",
    )
    expect(server.alive).toBe(true)
    expect(overloaded.errors + overloaded.timeouts).toBe(0)
    expect(probed.answered).toBe(probed.sent)
    expect(probed.maxMillis).toBeLessThanOrEqual(limits.maxProbeMillis)
    expect(afterSustain.memory.rss / MB).toBeLessThanOrEqual(limits.maxRssMB)
    expect(afterOverload.memory.rss / MB).toBeLessThanOrEqual(limits.maxRssMB)
    expect(growth).toBeLessThanOrEqual(limits.maxRetainedGrowthMB)
    expect(retainedOverload.heapUsed / MB).toBeLessThanOrEqual(limits.maxRetainedHeapMB)

    // Closed: every request the server received is in a profile on disk or counted as dropped with a reason.
    const final = await server.ask<ExpressDemoStatus>("close")
    const profiles = await readProfiles(dir)
    const onDisk = profiles.reduce((n, p) => n + httpRows(p.view), 0)
    const outbox = await outboxRows(join(dir, ".outbox"))
    const ex = final.profiler.exchanges
    const log = final.logger!
    const skipped = total(ex.skipped)
    const droppedBefore = total(ex.dropped)
    const droppedInLogger = total(log.rows.droppedByReason)
    const accounted = onDisk + outbox.rows + skipped + droppedBefore + droppedInLogger
    figures.record("load", "requests received by the server", final.requests.all, "requests")
    figures.record(
      "load",
      "accounting: received − (on disk + outbox + skipped + dropped by reason)",
      final.requests.all - accounted,
      "requests",
      "= 0",
    )
    figures.record("load", "rows on disk", onDisk, "rows")
    figures.record(
      "load",
      "rows dropped, by reason",
      JSON.stringify({ ...ex.dropped, ...log.rows.droppedByReason }),
      "",
    )
    expect(ex.admitted).toBe(final.requests.all)
    expect(ex.recorded).toBe(final.requests.all)
    expect(ex.waiting).toBe(0)
    expect(skipped).toBe(final.requests.health) // only /health is ignored
    expect(log.rows.received).toBe(ex.profiled)
    expect(log.rows.profiled).toBe(onDisk + outbox.rows + (log.rows.droppedByReason["write-failed"] ?? 0))
    expect(log.rows.droppedByReason["write-failed"] ?? 0).toBe(0)
    expect(final.requests.all - accounted).toBe(0)
    expect(profiles.length).toBeGreaterThan(0)
    await server.ask("exit")
    await server.waitForExit()
  })
})
