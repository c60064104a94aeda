import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { HttpOptionsError } from "@sketchlog/core/http"
import express from "express"
import { afterAll, describe, expect, it } from "vitest"
import { errorHandler, type SketchlogOptions, shutdown, sketchlog } from "../src/index.js"
import { listen } from "./support/listen.js"
import { countOf, readWrittenProfiles, rowsBySegment } from "./support/profiles.js"

const dirs: Array<string> = []
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "sketchlog-options-"))
  dirs.push(dir)
  return dir
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
})

const get = async (url: string) => {
  const response = await fetch(url)
  await response.arrayBuffer()
  return response.status
}

/** A seeded uniform generator, so sampling is reproducible. */
const seeded = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 2 ** 32
}

describe("which requests are profiled", () => {
  it("skips what ignore() matches and samples at sampleRate, counting both", async () => {
    const dir = await tempDir()
    const app = express()
    const options: SketchlogOptions = {
      datasetId: "sampled",
      profileDir: dir,
      sessionOptions: { forceLocal: true },
      ignore: (exchange) => exchange.path === "/health",
      sampleRate: 0.25,
      random: seeded(42),
    }
    const profiling = sketchlog(options)
    app.use(profiling)
    app.get("/health", (_req, res) => {
      res.send("ok")
    })
    app.get("/jobs/:id", (_req, res) => {
      res.json({ done: true })
    })
    const server = await listen(app)
    for (let i = 0; i < 200; i++) await get(`${server.url}/jobs/${i}`)
    for (let i = 0; i < 50; i++) await get(`${server.url}/health`)
    await server.close()
    await profiling.close()

    // The same draws the middleware made, replayed: which of the 250 requests were admitted.
    const draw = seeded(42)
    const admitted = Array.from({ length: 250 }, () => draw() < 0.25)
    const expectedWork = admitted.slice(0, 200).filter(Boolean).length
    const expectedHealth = admitted.slice(200).filter(Boolean).length
    expect(expectedWork).toBeGreaterThan(30)
    expect(expectedWork).toBeLessThan(70)

    const profiles = await readWrittenProfiles(dir, "sampled")
    expect(Object.fromEntries(rowsBySegment(profiles))).toEqual({ "GET /jobs/:id": expectedWork })
    const status = await profiling.status()
    expect(status.exchanges.admitted).toBe(expectedWork + expectedHealth)
    expect(status.exchanges.sampledOut).toBe(250 - expectedWork - expectedHealth)
    expect(status.exchanges.skipped).toEqual({ ignored: expectedHealth })
  })

  it("profiles each request once when mounted twice with equal options", async () => {
    const dir = await tempDir()
    const app = express()
    const options = () => ({ datasetId: "twice", profileDir: dir, sessionOptions: { forceLocal: true } })
    const first = sketchlog(options())
    const second = sketchlog(options())
    expect(second.profiler).toBe(first.profiler)
    app.use(first)
    const router = express.Router()
    router.use(second)
    router.get("/a/:id", (_req, res) => {
      res.json({ ok: true })
    })
    app.use(router)
    app.use(first) // and a third time, by mistake
    const server = await listen(app)
    for (let i = 0; i < 25; i++) await get(`${server.url}/a/${i}`)
    await server.close()
    await second.close()
    await first.close() // idempotent
    const profiles = await readWrittenProfiles(dir, "twice")
    expect(Object.fromEntries(rowsBySegment(profiles))).toEqual({ "GET /a/:id": 25 })
  })
})

describe("errors, manual logging and shutdown", () => {
  it("records the thrown error's class and lets the user's own handlers answer", async () => {
    const dir = await tempDir()
    const app = express()
    const profiling = sketchlog({
      datasetId: "errors",
      profileDir: dir,
      sessionOptions: { forceLocal: true },
    })
    app.use(profiling)
    class PaymentDeclinedError extends Error {}
    app.get("/pay/:id", () => {
      throw new PaymentDeclinedError("card 4111 1111 1111 1111 declined")
    })
    app.get("/async/:id", async () => {
      await new Promise((resolve) => setImmediate(resolve))
      throw new TypeError("async failure with SECRET-IN-MESSAGE")
    })
    app.use(errorHandler())
    app.use(((error, _req, res, _next) => {
      res.status(error instanceof PaymentDeclinedError ? 402 : 500).json({ handled: true })
    }) as express.ErrorRequestHandler)
    const server = await listen(app)
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${server.url}/pay/${i}`)
      expect(r.status).toBe(402)
      expect(await r.json()).toEqual({ handled: true })
    }
    const r = await fetch(`${server.url}/async/1`)
    expect(r.status).toBe(500)
    await r.arrayBuffer()
    await server.close()
    await profiling.close()
    const profiles = await readWrittenProfiles(dir, "errors")
    const pay = profiles.find((p) => p.route === "/pay/:id")!.view
    expect(pay.getColumn("http.error")?.frequentItems?.items()).toMatchObject([
      { value: "PaymentDeclinedError", est: 3 },
    ])
    const failed = profiles.find((p) => p.route === "/async/:id")!.view
    expect(failed.getColumn("http.error")?.frequentItems?.items()[0]?.value).toBe("TypeError")
    const bytes = profiles.map((p) => Buffer.from(p.bytes).toString("latin1")).join("")
    expect(bytes).not.toContain("4111")
    expect(bytes).not.toContain("SECRET-IN-MESSAGE")
  })

  it("gives handlers req.sketchlog: the session, the dataset, and rows logged into the request's segment", async () => {
    const dir = await tempDir()
    const app = express()
    const profiling = sketchlog({
      datasetId: (exchange) => (exchange.route?.startsWith("/admin") ? "admin" : undefined),
      profileDir: dir,
      sessionOptions: { forceLocal: true },
    })
    app.use(profiling)
    const seen: Array<{ kind: string | undefined; dataset: string }> = []
    app.get("/predict/:id", async (req, res) => {
      seen.push({ kind: req.sketchlog.session?.kind, dataset: req.sketchlog.datasetId })
      await req.sketchlog.log({ "model.score": 0.25 * Number(req.params.id), "model.label": "approve" })
      res.json({ ok: true })
    })
    app.get("/admin/stats", (req, res) => {
      seen.push({ kind: req.sketchlog.session?.kind, dataset: req.sketchlog.datasetId })
      res.json({ users: 3 })
    })
    const server = await listen(app)
    for (let i = 0; i < 4; i++) expect(await get(`${server.url}/predict/${i}`)).toBe(200)
    expect(await get(`${server.url}/admin/stats`)).toBe(200)
    await server.close()
    await profiling.close()
    expect(seen).toEqual([
      ...Array.from({ length: 4 }, () => ({ kind: "local", dataset: "default" })),
      { kind: "local", dataset: "admin" },
    ])
    const predict = (await readWrittenProfiles(dir, "default")).find((p) => p.route === "/predict/:id")!.view
    expect(countOf(predict, "model.score")).toBe(4)
    expect(predict.getColumn("model.score")?.distribution?.mean).toBeCloseTo(0.375)
    // The manual rows joined the request's segment: 4 requests + 4 manual rows carry the route.
    expect(countOf(predict, "http.status")).toBe(4)
    expect(countOf(predict, "http.route")).toBe(8)
    const admin = await readWrittenProfiles(dir, "admin")
    expect(Object.fromEntries(rowsBySegment(admin))).toEqual({ "GET /admin/stats": 1 })
    expect((await profiling.status()).manualRows).toBe(4)
  })

  it("after shutdown() requests pass through unprofiled and manual logging rejects", async () => {
    const dir = await tempDir()
    const app = express()
    const profiling = sketchlog({
      datasetId: "shutdown",
      profileDir: dir,
      sessionOptions: { forceLocal: true },
    })
    app.use(profiling)
    let manual: Promise<void> | undefined
    app.get("/x", (req, res) => {
      manual = req.sketchlog.log({ a: 1 })
      manual.catch(() => undefined)
      res.json({ ok: true })
    })
    const server = await listen(app)
    expect(await get(`${server.url}/x`)).toBe(200)
    await manual
    await shutdown()
    await shutdown()
    expect(await get(`${server.url}/x`)).toBe(200)
    await expect(manual).rejects.toMatchObject({ _tag: "HttpProfilerError" })
    await server.close()
    const status = await profiling.status()
    expect(status.state).toBe("closed")
    expect(Object.fromEntries(rowsBySegment(await readWrittenProfiles(dir, "shutdown")))).toEqual({
      "GET /x": 1,
    })
  })

  it("throws HttpOptionsError naming an unknown or malformed option where it is mounted", () => {
    const optionOf = (options: unknown) => {
      try {
        sketchlog(options as SketchlogOptions)
      } catch (error) {
        expect(error).toBeInstanceOf(HttpOptionsError)
        return (error as HttpOptionsError).option
      }
      throw new Error("expected HttpOptionsError")
    }
    expect(optionOf({ sampleRatio: 0.5 })).toBe("sampleRatio")
    expect(optionOf({ sampleRate: 2 })).toBe("sampleRate")
    expect(optionOf({ profileDir: "" })).toBe("profileDir")
    expect(optionOf({ segmentOn: ["request.body.user"] })).toBe("segmentOn[0]")
    expect(optionOf({ logger: "fast" })).toBe("logger")
    expect(optionOf({ logger: { overload: "block" } })).toBe("logger.overload")
  })

  it("names the option a typo meant", () => {
    const messageOf = (options: unknown) => {
      try {
        sketchlog(options as SketchlogOptions)
      } catch (error) {
        return (error as HttpOptionsError).message
      }
      throw new Error("expected HttpOptionsError")
    }
    expect(messageOf({ sampleRatio: 0.5 })).toBe('unknown option; did you mean "sampleRate"?')
    expect(messageOf({ profiledir: "x" })).toBe('unknown option; did you mean "profileDir"?')
    expect(messageOf({ logger: { overload: "block" } })).toBe('unknown option; did you mean "overflow"?')
    expect(messageOf({ limits: { maxDeep: 3 } })).toBe('unknown limit; did you mean "maxDepth"?')
  })
})
