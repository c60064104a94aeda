import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatasetProfileView } from "@sketchlog/core"
import { afterAll, describe, expect, it } from "vitest"
import { DEMO_DATASET, sendTraffic, start } from "../src/index.js"

describe("the loan-scoring demo API", () => {
  const dirs: Array<string> = []
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  })

  it("profiles every request of a traffic burst (health checks aside) by route, leaking no token", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sketchlog-demo-"))
    dirs.push(dir)
    const server = await start(0, "127.0.0.1", { sketchlog: { profileDir: dir } })
    const token = "DEMO-BEARER-7f3a9c"
    const report = await sendTraffic({
      url: server.url,
      requests: 300,
      concurrency: 8,
      seed: 3,
      bearerToken: token,
    })
    const drifted = await sendTraffic({
      url: server.url,
      requests: 100,
      concurrency: 8,
      seed: 4,
      drifted: true,
      bearerToken: token,
    })
    await server.close()
    // After close: every exchange has been mapped (ignored ones are counted when they are mapped).
    const status = await server.profiling.status()

    expect(report.failed + drifted.failed).toBe(0)
    const ignored = status.exchanges.skipped.ignored ?? 0
    expect(ignored).toBeGreaterThan(0)
    const folder = join(dir, DEMO_DATASET)
    const files = (await readdir(folder)).filter((f) => f.endsWith(".bin"))
    const views = await Promise.all(files.map((f) => DatasetProfileView.read(join(folder, f))))
    // What `pnpm demo` prints per route adds up to what it says it profiled, and to what was sent.
    const rows = views.reduce((n, v) => n + (v.getColumn("http.status")?.counts?.n ?? 0), 0)
    expect(rows).toBe(status.exchanges.profiled)
    expect(rows).toBe(400 - ignored)
    const routes = views.map((v) => v.segment?.values.join(" ")).sort()
    expect(routes).toContain("/v1/score POST")
    expect(routes).toContain("/v1/models/:modelId GET")
    expect(routes).toContain("/v1/applications/:applicationId GET")
    expect(routes.some((r) => r?.includes("credit-v") || r?.includes("0000"))).toBe(false)

    const score = views.find((v) => v.segment?.values.join(" ") === "/v1/score POST")!
    expect(score.getColumn("request.body.credit_score")?.distribution?.mean).toBeGreaterThan(600)
    expect(score.getColumn("request.body.annual_income")?.types?.fractional).toBeGreaterThan(0)
    expect(score.getColumn("request.body.annual_income")?.types?.integral).toBe(0)
    const employment = score
      .getColumn("request.body.employment_status")!
      .frequentItems!.items()
      .map((i) => i.value)
    expect(employment).toContain("gig_worker") // the drifted applicants' new category
    // A declared body column (the float fields) is in a profile only where requests carried it: the
    // 404s of unmatched routes and the 400s of malformed bodies list no request.body.* column.
    for (const view of views.filter((v) =>
      /\((unmatched|unrouted)\)/.test(v.segment?.values.join(" ") ?? ""),
    )) {
      expect([...view.columns.keys()].filter((c) => c.startsWith("request.body."))).toEqual([])
    }
    expect(views.some((v) => /\(unmatched\)/.test(v.segment?.values.join(" ") ?? ""))).toBe(true)
    for (const file of files) {
      const bytes = await readFile(join(folder, file))
      expect(bytes.toString("latin1")).not.toContain(token)
      expect(bytes.toString("latin1")).not.toContain("s3cr3t") // the `token` query value
    }
  })
})
