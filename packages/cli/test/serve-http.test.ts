import { request as httpRequest } from "node:http"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openCatalog } from "../src/catalog/openCatalog.js"
import { type MonitorServer, MonitorServerError, startMonitorServer } from "../src/serve/MonitorServer.js"
import { runCli, tempDir } from "./cliHarness.js"
import { seedStore } from "./storeSeed.js"

const START = Date.UTC(2026, 10, 2, 0)
let dir: string
let cleanup: () => Promise<void>

beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
  await seedStore({
    dir: join(dir, "store"),
    datasets: ["loan"],
    start: START,
    hours: 3,
    segments: [""],
    replicas: ["r1"],
    rows: 20,
  })
})
afterAll(() => cleanup())

/** A raw GET (the path sent as is, never normalised by a client), with optional headers. */
const get = (
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> =>
  new Promise((resolve, reject) => {
    const url = new URL(base)
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let text = ""
      res.setEncoding("utf8")
      res.on("data", (c: string) => {
        text += c
      })
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on("error", reject)
    req.end(body)
  })

const serve = async (token?: string): Promise<MonitorServer> =>
  startMonitorServer({ catalog: await openCatalog("store", dir), port: 0, storeLabel: "store", token })

describe("sketchlog serve over HTTP", () => {
  it("listening off loopback requires a token; the CLI says so with exit 2", async () => {
    const catalog = await openCatalog("store", dir)
    await expect(
      startMonitorServer({ catalog, host: "0.0.0.0", port: 0, storeLabel: "store" }),
    ).rejects.toThrow(MonitorServerError)
    await expect(
      startMonitorServer({ catalog, host: "0.0.0.0", port: 0, storeLabel: "store" }),
    ).rejects.toThrow(/give --token/)
    const cli = await runCli(["serve", "store", "--host", "0.0.0.0", "--port", "0"], { cwd: dir })
    expect(cli.code).toBe(2)
    expect(cli.stderr).toMatch(
      /^sketchlog serve: listening on 0\.0\.0\.0 lets other machines read the profiles: give --token/,
    )
  })

  it("with a token: bearer header or the login form's HttpOnly cookie, nothing without", async () => {
    const server = await serve("s3cret-token")
    try {
      const anonymous = await get(server.url, "/")
      expect(anonymous.status).toBe(303)
      expect(anonymous.headers.location).toBe("/login?next=%2F")
      expect((await get(server.url, "/api/datasets")).status).toBe(401)
      expect((await get(server.url, "/api/datasets", { authorization: "Bearer wrong" })).status).toBe(401)
      const bearer = await get(server.url, "/api/datasets", { authorization: "Bearer s3cret-token" })
      expect(bearer.status).toBe(200)
      expect(JSON.parse(bearer.body).datasets.map((d: { datasetId: string }) => d.datasetId)).toEqual([
        "loan",
      ])
      // Assets (uPlot, styles) load before sign-in: they hold no profile data.
      expect((await get(server.url, "/assets/sketchlog.css")).status).toBe(200)
      const refused = await get(
        server.url,
        "/login",
        { "content-type": "application/x-www-form-urlencoded" },
        "POST",
        "token=nope&next=%2F",
      )
      expect(refused.status).toBe(401)
      expect(refused.headers["set-cookie"]).toBeUndefined()
      const login = await get(
        server.url,
        "/login",
        { "content-type": "application/x-www-form-urlencoded" },
        "POST",
        "token=s3cret-token&next=%2Fmonitors",
      )
      expect(login.status).toBe(303)
      expect(login.headers.location).toBe("/monitors")
      const cookie = String(login.headers["set-cookie"])
      expect(cookie).toMatch(/^sketchlog_session=[A-Za-z0-9_-]+; HttpOnly; SameSite=Strict; Path=\/$/)
      expect(cookie).not.toContain("s3cret-token")
      const page = await get(server.url, "/", { cookie: cookie.split(";")[0]! })
      expect(page.status).toBe(200)
      expect(page.body).toContain('data-dataset="loan"')
      // A forged cookie and an off-site "next" get nowhere.
      expect((await get(server.url, "/", { cookie: "sketchlog_session=forged" })).status).toBe(303)
      const offsite = await get(
        server.url,
        "/login",
        { "content-type": "application/x-www-form-urlencoded" },
        "POST",
        "token=s3cret-token&next=%2F%2Fevil.example",
      )
      expect(offsite.headers.location).toBe("/")
    } finally {
      await server.close()
    }
  })

  it("serves only its own assets: traversal, encoded dots and unknown names are 404", async () => {
    const server = await serve()
    try {
      for (const path of [
        // outside-repo: traversal attempts the server must refuse (request paths, not files read)
        "/assets/../package.json",
        "/assets/..%2Fpackage.json",
        "/assets/%2e%2e%2f%2e%2e%2fpackage.json",
        "/assets/..%5c..%5cpackage.json",
        // outside-repo: a traversal attempt the server must refuse
        "/assets/charts.js/../../../package.json",
        "/assets/%2e%2e/src/run.ts",
        "/assets/",
        "/assets/README.md",
        "/assets/ui/charts.js",
        "/assets/%00charts.js",
        // outside-repo: a traversal attempt the server must refuse
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
      ]) {
        const answer = await get(server.url, path)
        expect([400, 404], path).toContain(answer.status)
        expect(answer.body, path).not.toMatch(/"name": "@sketchlog\/cli"|root:x:0:0|registerServe/)
      }
      const charts = await get(server.url, "/assets/charts.js")
      expect(charts.status).toBe(200)
      expect(charts.headers["content-type"]).toBe("text/javascript; charset=utf-8")
      expect(charts.body).toContain("export const mountCharts")
      const uplot = await get(server.url, "/assets/uPlot.iife.min.js")
      expect(uplot.body).toMatch(/^\/\*! https:\/\/github\.com\/leeoniya\/uPlot/)
    } finally {
      await server.close()
    }
  })

  it("is read-only, sends security headers, and answers only to local host names without a token", async () => {
    const server = await serve()
    try {
      for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
        const answer = await get(server.url, "/", {}, method)
        expect(answer.status, method).toBe(405)
      }
      const page = await get(server.url, "/")
      expect(page.status).toBe(200)
      expect(page.headers["content-security-policy"]).toContain("default-src 'none'; script-src 'self'")
      expect(page.headers["x-content-type-options"]).toBe("nosniff")
      expect(page.headers["x-frame-options"]).toBe("DENY")
      // A page elsewhere reaching 127.0.0.1 through a rebound DNS name is refused.
      expect((await get(server.url, "/", { host: "evil.example:80" })).status).toBe(403)
      expect((await get(server.url, "/", { host: "localhost" })).status).toBe(200)
      expect((await get(server.url, "/datasets/nope")).status).toBe(404)
      const badRange = await get(server.url, "/datasets/loan?range=1y")
      expect(badRange.status).toBe(400)
      expect(badRange.body).toContain("range must be one of 24h, 7d, 30d or custom")
      expect((await get(server.url, "/datasets/%E0%A4%A")).status).toBe(400)
    } finally {
      await server.close()
    }
  })

  it("a store that cannot be listed is an error page and a log line, and the server keeps serving", async () => {
    const logged: string[] = []
    const catalog = await openCatalog("no-such-store", dir, { log: (line) => logged.push(line) })
    const server = await startMonitorServer({
      catalog,
      port: 0,
      storeLabel: "no-such-store",
      log: (line) => logged.push(line),
    })
    try {
      for (let i = 0; i < 2; i++) {
        const page = await get(server.url, "/")
        expect(page.status).toBe(502)
        expect(page.body).toContain("The store cannot be read")
        expect(page.body).toMatch(/Listing no-such-store failed: .*no-such-store/)
      }
      expect(logged.filter((l) => l.startsWith("cannot list"))).toHaveLength(1)
      expect((await get(server.url, "/assets/charts.js")).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it("sketchlog serve prints one line with its URL, serves, and stops on request", async () => {
    const stop = new AbortController()
    let url = ""
    const running = runCli(["serve", "store", "--port", "0"], {
      cwd: dir,
      stop: stop.signal,
      onStdout: (text) => {
        url = text
      },
    })
    const deadline = Date.now() + 20_000
    while (url === "" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(url).toMatch(/^sketchlog serve: http:\/\/127\.0\.0\.1:\d+\/\n$/)
    const answer = await get(url.replace("sketchlog serve: ", "").trim(), "/")
    expect(answer.status).toBe(200)
    stop.abort()
    const result = await running
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(url)
  })

  it("with warm, reads what the datasets page shows before anyone asks: the first visit reads nothing", async () => {
    const catalog = await openCatalog("store", dir)
    const server = await startMonitorServer({ catalog, port: 0, storeLabel: "store", warm: true })
    try {
      for (let i = 0; i < 200 && catalog.reads < 3; i++) await new Promise((r) => setTimeout(r, 25))
      expect(catalog.reads).toBe(3)
      const page = await get(server.url, "/")
      expect(page.status).toBe(200)
      expect(page.body).toContain("loan")
      expect(catalog.reads).toBe(3)
    } finally {
      await server.close()
    }
  })
})
