import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import express5 from "express"
import express4 from "express4"
import { afterEach, describe, expect, it } from "vitest"
import { sketchlog } from "../src/index.js"
import { expressCaptures } from "../src/internal/ExpressCaptures.js"
import { listen } from "./support/listen.js"
import { countOf, readWrittenProfiles, rowsBySegment } from "./support/profiles.js"

const dirs: Array<string> = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

/** Sends `requests` with at most 8 in flight, and returns the statuses. */
const send = async (url: string, requests: ReadonlyArray<readonly [string, string, unknown?]>) => {
  const statuses: Array<number> = []
  let next = 0
  const worker = async () => {
    while (next < requests.length) {
      const [method, path, body] = requests[next++]!
      const response = await fetch(url + path, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      })
      await response.arrayBuffer()
      statuses.push(response.status)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  return statuses
}

for (const [major, express] of [
  ["Express 5", express5],
  ["Express 4", express4],
] as const) {
  describe(`accounting on ${major}`, () => {
    it("writes Σ counts/n = N per route segment, with templates for nested routers, params and 404s", async () => {
      const dir = await mkdtemp(join(tmpdir(), "sketchlog-express-"))
      dirs.push(dir)
      const app = express()
      const profiling = sketchlog({
        datasetId: "accounting",
        profileDir: dir,
        sessionOptions: { forceLocal: true },
      })
      app.use(profiling)
      app.use(express.json())
      // Handlers answer without echoing the ids, so any id found in a profile came from the path.
      app.get("/users/:id", (req, res) => {
        res.json({ found: req.params.id.length > 0, plan: "pro" })
      })
      const items = express.Router({ mergeParams: true })
      items.get("/:itemId", (req, res) => {
        res.json({ found: (req.params as Record<string, string>).itemId.length > 0, stock: 3 })
      })
      items.post("/", (req, res) => {
        res.status(201).json({ created: true, name: (req.body as { name: string }).name })
      })
      const api = express.Router()
      api.use("/stores/:storeId/items", items)
      app.use("/api", api)
      const server = await listen(app)

      const requests: Array<readonly [string, string, unknown?]> = []
      for (let i = 0; i < 30; i++) requests.push(["GET", `/users/user-${1000 + i}`])
      for (let i = 0; i < 20; i++) requests.push(["GET", `/api/stores/store-${i % 3}/items/item-${5000 + i}`])
      for (let i = 0; i < 12; i++)
        requests.push(["POST", `/api/stores/store-${i}/items`, { name: `n${i}`, qty: i }])
      for (let i = 0; i < 15; i++) requests.push(["GET", `/missing/page-${7000 + i}`])
      const statuses = await send(server.url, requests)
      expect(statuses.filter((s) => s === 404)).toHaveLength(15)

      await server.close()
      await profiling.close()
      const profiles = await readWrittenProfiles(dir, "accounting")
      expect(Object.fromEntries(rowsBySegment(profiles))).toEqual({
        "GET /users/:id": 30,
        "GET /api/stores/:storeId/items/:itemId": 20,
        "POST /api/stores/:storeId/items": 12,
        "GET (unmatched)": 15,
      })
      const total = profiles.reduce((n, p) => n + countOf(p.view, "http.status"), 0)
      expect(total).toBe(requests.length)
      // Every fixed column counts every request; body columns only the requests that had them.
      const post = profiles.find((p) => p.method === "POST")!
      expect(countOf(post.view, "http.route")).toBe(12)
      expect(countOf(post.view, "request.body.qty")).toBe(12)
      expect(post.view.getColumn("request.body.qty")?.distribution?.max).toBe(11)
      expect(countOf(post.view, "response.body.created")).toBe(12)
      expect(
        post.view
          .getColumn("http.status")
          ?.frequentItems?.items()
          .map((x) => x.value),
      ).toEqual(["201"])

      // Raw ids from the paths appear nowhere: not in segments, columns, frequent items or bytes.
      const everything = profiles
        .map(
          (p) => `${p.file}\n${Buffer.from(p.bytes).toString("latin1")}\n${JSON.stringify(p.view.summary())}`,
        )
        .join("\n")
      for (const raw of ["user-1000", "item-5000", "store-1", "page-7000", "missing"]) {
        expect(everything).not.toContain(raw)
      }

      const status = await profiling.status()
      expect(status.state).toBe("closed")
      expect(status.exchanges).toMatchObject({
        recorded: requests.length,
        profiled: requests.length,
        dropped: {},
      })
      // Every request's slot was freed once mapped: nothing of a request outlives its profiling.
      expect(expressCaptures.inUse).toBe(0)
    })
  })
}
