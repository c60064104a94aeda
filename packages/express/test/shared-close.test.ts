import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import express from "express"
import { afterAll, describe, expect, it } from "vitest"
import { sketchlog } from "../src/index.js"
import { listen } from "./support/listen.js"
import { readWrittenProfiles, rowsBySegment } from "./support/profiles.js"

const dirs: Array<string> = []
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

const get = async (url: string) => (await fetch(url)).arrayBuffer()

describe("two apps sharing one profiler (equal options)", () => {
  it("closing one app's middleware does not stop the other's profiling; the last close writes everything", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sketchlog-shared-"))
    dirs.push(dir)
    const options = () => ({ datasetId: "shared", profileDir: dir, sessionOptions: { forceLocal: true } })
    const apps = [express(), express()]
    const middlewares = apps.map((app) => {
      const middleware = sketchlog(options())
      app.use(middleware)
      app.get("/x", (_req, res) => {
        res.json({ ok: true })
      })
      return middleware
    })
    expect(middlewares[1]!.profiler).toBe(middlewares[0]!.profiler)
    const servers = await Promise.all(apps.map((app) => listen(app)))
    for (let i = 0; i < 5; i++) await get(`${servers[0]!.url}/x`)
    await servers[0]!.close()
    await middlewares[0]!.close()
    expect(middlewares[1]!.profiler.state).toBe("running")
    for (let i = 0; i < 7; i++) await get(`${servers[1]!.url}/x`)
    await servers[1]!.close()
    await middlewares[1]!.close()
    expect(middlewares[1]!.profiler.state).toBe("closed")
    const profiles = await readWrittenProfiles(dir, "shared")
    expect(Object.fromEntries(rowsBySegment(profiles))).toEqual({ "GET /x": 12 })
  })
})
