import { mkdtemp, rm } from "node:fs/promises"
import { request as httpRequest } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import express from "express"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type SketchlogMiddleware, sketchlog } from "../src/index.js"
import { type Listening, listen } from "./support/listen.js"
import { countOf, readWrittenProfiles, type WrittenProfile } from "./support/profiles.js"

/**
 * Sends a request whose headers promise `declared` body bytes, writes `sent` of them, then destroys
 * the socket: the client going away mid-body.
 */
const abortMidBody = (url: string, path: string, declared: number, sent: number) =>
  new Promise<void>((resolve) => {
    const req = httpRequest(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(declared) },
    })
    req.on("error", () => resolve())
    req.write("x".repeat(sent), () => {
      setTimeout(() => {
        req.destroy()
        resolve()
      }, 20)
    })
  })

/** Sends a GET and destroys the socket once the server has the request (the handler is still waiting). */
const abortWhileWaiting = (url: string, path: string, started: Promise<void>) =>
  new Promise<void>((resolve) => {
    const req = httpRequest(`${url}${path}`)
    req.on("error", () => resolve())
    req.end()
    void started.then(() => {
      req.destroy()
      resolve()
    })
  })

describe("bodies that are not plain JSON, and requests that never finish", () => {
  let dir = ""
  let server: Listening
  let profiling: SketchlogMiddleware
  let profiles: Array<WrittenProfile> = []
  const segment = (method: string, route: string) => {
    const found = profiles.filter((p) => p.method === method && p.route === route)
    expect(found).toHaveLength(1)
    return found[0]!.view
  }
  let slowStarted: () => void = () => undefined
  const unhandled: Array<unknown> = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled)
    dir = await mkdtemp(join(tmpdir(), "sketchlog-bodies-"))
    const app = express()
    profiling = sketchlog({ datasetId: "bodies", profileDir: dir, sessionOptions: { forceLocal: true } })
    app.use(profiling)
    app.use(express.json({ limit: "20mb" }))
    app.use(express.text({ type: "text/plain" }))
    app.post("/echo", (req, res) => {
      res.json({
        kind: typeof req.body,
        fields: typeof req.body === "object" ? Object.keys(req.body).length : 0,
      })
    })
    app.post("/note", (req, res) => {
      // A text body parsed by express.text: a string, never walked into columns.
      res.type("text/plain").send(`got ${(req.body as string).length} chars`)
    })
    app.get("/stream", (_req, res) => {
      res.setHeader("content-type", "application/x-ndjson")
      let i = 0
      const tick = () => {
        if (i === 5) {
          res.end('{"done":true}\n')
          return
        }
        res.write(`${JSON.stringify({ i: i++, secret: "STREAMED-SECRET" })}\n`)
        setImmediate(tick)
      }
      tick()
    })
    app.get("/binary", (_req, res) => {
      res.type("application/octet-stream").send(Buffer.alloc(4096, 7))
    })
    app.get("/slow", (_req, res) => {
      slowStarted()
      setTimeout(() => {
        if (!res.headersSent) res.json({ late: true })
      }, 300)
    })
    server = await listen(app)
    const { url } = server

    const post = (path: string, body: string, type: string) =>
      fetch(url + path, { method: "POST", headers: { "content-type": type }, body }).then(async (r) => {
        await r.arrayBuffer()
        return r.status
      })
    // 3 JSON bodies, 2 malformed JSON (express.json's 400), 2 text bodies, 1 body of 10 MB.
    expect(await post("/echo", JSON.stringify({ a: 1, b: "two" }), "application/json")).toBe(200)
    expect(await post("/echo", JSON.stringify({ a: 2, b: "three" }), "application/json")).toBe(200)
    expect(await post("/echo", JSON.stringify({ a: 3 }), "application/json")).toBe(200)
    expect(await post("/echo", '{"a": 1, "b":', "application/json")).toBe(400)
    expect(await post("/echo", "not json at all MALFORMED-SECRET", "application/json")).toBe(400)
    expect(await post("/note", "plain text TEXT-SECRET", "text/plain")).toBe(200)
    expect(await post("/note", "more text", "text/plain")).toBe(200)
    const big = JSON.stringify({ blob: "z".repeat(10 * 1024 * 1024), small: 1 })
    expect(await post("/echo", big, "application/json")).toBe(200)
    // A streamed response and a binary one: counted by size only.
    const streamed = await fetch(`${url}/stream`)
    expect((await streamed.text()).split("\n").filter(Boolean)).toHaveLength(6)
    const binary = await fetch(`${url}/binary`)
    expect((await binary.arrayBuffer()).byteLength).toBe(4096)
    // Two clients that go away: one mid-body, one while the handler waits.
    await abortMidBody(url, "/echo", 5000, 100)
    const started = new Promise<void>((resolve) => {
      slowStarted = resolve
    })
    await abortWhileWaiting(url, "/slow", started)
    await new Promise((resolve) => setTimeout(resolve, 400)) // the slow handler answers into the void
    await server.close()
    await profiling.close()
    profiles = await readWrittenProfiles(dir, "bodies")
  }, 60_000)

  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled)
    await rm(dir, { recursive: true, force: true })
  })

  it("profiles parsed JSON bodies field by field", () => {
    const echo = segment("POST", "/echo")
    expect(countOf(echo, "request.body.a")).toBe(3)
    expect(echo.getColumn("request.body.a")?.distribution?.mean).toBe(2)
    expect(countOf(echo, "response.body.kind")).toBe(4)
  })

  it("counts a 10 MB body by size and does not walk it", () => {
    const echo = segment("POST", "/echo")
    const size = echo.getColumn("http.request.size")!.distribution!
    expect(size.max).toBeGreaterThan(10 * 1024 * 1024)
    // The big body is flagged truncated with no fields; the three small ones were walked whole.
    expect(echo.getColumn("http.request.body_truncated")?.counts?.true).toBe(1)
    expect(echo.columnNames.some((c) => c.startsWith("request.body.blob"))).toBe(false)
    expect(echo.columnNames).not.toContain("request.body.small")
  })

  it("files malformed JSON under (unrouted) with express.json's 400", () => {
    const rejected = segment("POST", "(unrouted)")
    // The two malformed bodies, plus the body aborted mid-way (express.json fails it before routing).
    expect(countOf(rejected, "http.status")).toBe(3)
    expect(
      rejected
        .getColumn("http.status")
        ?.frequentItems?.items()
        .map((x) => x.value),
    ).toContain("400")
    expect(rejected.getColumn("http.request.body_fields")?.counts?.null).toBe(3)
  })

  it("counts text bodies by size and content type only", () => {
    const note = segment("POST", "/note")
    expect(countOf(note, "http.request.size")).toBe(2)
    expect(note.getColumn("http.request.content_type")?.frequentItems?.items()[0]?.value).toBe("text/plain")
    expect(note.columnNames.filter((c) => c.startsWith("request.body"))).toEqual([])
  })

  it("counts streamed and binary responses by size, never reading them", () => {
    const stream = segment("GET", "/stream")
    expect(stream.getColumn("http.response.size")?.distribution?.max).toBe(
      5 * (JSON.stringify({ i: 0, secret: "STREAMED-SECRET" }).length + 1) + '{"done":true}\n'.length,
    )
    expect(stream.columnNames.filter((c) => c.startsWith("response.body"))).toEqual([])
    const binary = segment("GET", "/binary")
    expect(binary.getColumn("http.response.size")?.distribution?.max).toBe(4096)
    expect(binary.getColumn("http.response.content_type")?.frequentItems?.items()[0]?.value).toBe(
      "application/octet-stream",
    )
  })

  it("counts aborted requests instead of losing them", () => {
    const slow = segment("GET", "/slow")
    expect(countOf(slow, "http.aborted")).toBe(1)
    expect(slow.getColumn("http.aborted")?.counts?.true).toBe(1)
    const rejected = segment("POST", "(unrouted)")
    expect(rejected.getColumn("http.aborted")?.counts?.true).toBe(1)
    const total = profiles.reduce((n, p) => n + countOf(p.view, "http.method"), 0)
    expect(total).toBe(12)
  })

  it("never writes what was in raw, malformed or streamed bodies", () => {
    const text = profiles.map((p) => Buffer.from(p.bytes).toString("latin1")).join("\n")
    for (const secret of ["MALFORMED-SECRET", "TEXT-SECRET", "STREAMED-SECRET", "zzzzzzzz"]) {
      expect(text).not.toContain(secret)
    }
  })

  it("raised no unhandled rejection", () => {
    expect(unhandled).toEqual([])
  })
})
