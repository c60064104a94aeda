import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import express from "express"
import { afterAll, describe, expect, it } from "vitest"
import { sketchlog } from "../src/index.js"
import { listen } from "./support/listen.js"
import { readWrittenProfiles } from "./support/profiles.js"

/** Every file under `dir`, recursively (profiles, the outbox, anything the writers left). */
const allFiles = async (dir: string): Promise<Array<string>> => {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

describe("redaction", () => {
  const dirs: Array<string> = []
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  })

  it("never writes a planted header secret, a password body field or a query value anywhere", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sketchlog-redaction-"))
    dirs.push(dir)
    const app = express()
    const profiling = sketchlog({
      datasetId: "redaction",
      profileDir: dir,
      sessionOptions: { forceLocal: true },
    })
    app.use(profiling)
    app.use(express.json())
    app.post("/login", (req, res) => {
      const body = req.body as { user: string; password: string }
      // The response echoes a token (as login APIs do): redacted by name on the response side too.
      res.json({ user: body.user, token: "RESPONSE-TOKEN-Zq8", expires_in: 3600 })
    })
    app.get("/search", (_req, res) => {
      res.json({ hits: 3 })
    })
    const server = await listen(app)

    for (let i = 0; i < 40; i++) {
      const login = await fetch(`${server.url}/login?api_key=QUERY-KEY-Xy7&ref=QUERY-REF-Pp3`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: "Bearer HEADER-SECRET-Ab1",
          cookie: "sid=COOKIE-SECRET-Cd2",
          "x-custom-credential": "CUSTOM-HEADER-Ef4",
        },
        body: JSON.stringify({
          user: "ada",
          password: "PASSWORD-Gh5",
          profile: { apiKey: "NESTED-KEY-Ij6", client_secret: "NESTED-SECRET-Kl7" },
        }),
      })
      expect(login.status).toBe(200)
      await login.arrayBuffer()
      const search = await fetch(`${server.url}/search?q=QUERY-TERM-Mn8&token=QUERY-TOKEN-Op9`)
      await search.arrayBuffer()
    }
    await server.close()
    await profiling.close()

    const planted = [
      "HEADER-SECRET",
      "COOKIE-SECRET",
      "CUSTOM-HEADER",
      "PASSWORD-Gh5",
      "NESTED-KEY",
      "NESTED-SECRET",
      "RESPONSE-TOKEN",
      "QUERY-KEY",
      "QUERY-REF",
      "QUERY-TERM",
      "QUERY-TOKEN",
    ]
    // Raw bytes of every file written (UTF-8 and Latin-1 views, so no encoding hides a match).
    const files = await allFiles(dir)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const bytes = await readFile(file)
      for (const text of [bytes.toString("utf8"), bytes.toString("latin1"), file]) {
        for (const secret of planted) expect(text).not.toContain(secret)
      }
    }
    // And through the reader: column names, summaries and every frequent item.
    const profiles = await readWrittenProfiles(dir, "redaction")
    expect(profiles.map((p) => p.route).sort()).toEqual(["/login", "/search"])
    for (const { view } of profiles) {
      const seen = JSON.stringify({
        columns: view.columnNames,
        summary: view.summary(),
        frequent: [...view.columns.values()].map((c) => c.frequentItems?.items() ?? []),
        tags: view.tags,
        metadata: view.metadata,
      })
      for (const secret of planted) expect(seen).not.toContain(secret)
      expect(seen).not.toContain("request.body.password")
      expect(seen).not.toContain("request.query")
    }
    const login = profiles.find((p) => p.route === "/login")!.view
    // What is profiled instead: presence of the headers, the body fields that are not secrets, the
    // query's non-secret key names.
    expect(login.getColumn("http.request.headers.authorization.present")?.counts?.true).toBe(40)
    expect(login.getColumn("request.body.user")?.frequentItems?.items()[0]?.value).toBe("ada")
    expect(login.getColumn("response.body.expires_in")?.counts?.n).toBe(40)
    expect(login.getColumn("http.query.keys")?.frequentItems?.items()[0]?.value).toBe("ref")
  })
})
