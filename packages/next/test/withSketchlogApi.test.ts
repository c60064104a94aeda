import { once } from "node:events"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { apiResolver } from "next/dist/server/api-utils/node/api-resolver.js"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import {
  type ApiHandler,
  type ApiRequest,
  type ApiResponse,
  withSketchlogApi,
} from "../src/withSketchlogApi.js"
import { ProfileCollector } from "./support/ProfileCollector.js"

/** A route of the test server: its file-system template and the module Next.js would load for it. */
interface PagesRoute {
  readonly page: string
  readonly pattern: RegExp
  readonly module: { readonly default: (req: IncomingMessage, res: ServerResponse) => unknown }
}

/**
 * A Node server that runs Pages Router API routes through Next.js's own `apiResolver` (the code
 * `next start` runs for `pages/api/**`: body parsing, `req.query` with the dynamic parameters merged
 * in, `res.status/json/send`, the 500 for a thrown error). Only the routing is done here, by regex.
 */
const startPagesServer = async (
  routes: ReadonlyArray<PagesRoute>,
): Promise<{ server: Server; url: string }> => {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost")
    const route = routes.find((r) => r.pattern.test(url.pathname))
    const params = route?.pattern.exec(url.pathname)?.groups ?? {}
    const query = { ...Object.fromEntries(url.searchParams), ...params }
    void apiResolver(
      req,
      res,
      query,
      route?.module,
      { previewModeId: "", previewModeEncryptionKey: "", previewModeSigningKey: "", dev: false },
      false,
      false,
      route?.page,
    )
  })
  server.listen(0, "127.0.0.1")
  await once(server, "listening")
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

const profiles = new ProfileCollector()
const boom = new RangeError("score out of range")
let thrownSeen: unknown
let server: Server
let base: string

const route = (page: string, pattern: RegExp, handler: ApiHandler, routeOption?: string): PagesRoute => ({
  page,
  pattern,
  module: {
    default: withSketchlogApi(handler, {
      profiler: profiles.options,
      route: routeOption,
    }) as PagesRoute["module"]["default"],
  },
})

beforeAll(async () => {
  const started = await startPagesServer([
    route("/api/legacy/score", /^\/api\/legacy\/score$/, (req: ApiRequest, res: ApiResponse) => {
      const body = req.body as { age?: number }
      res.status(200).json({ prediction: (body.age ?? 0) > 30 ? "approve" : "review", age_seen: body.age })
    }),
    route(
      "/api/legacy/models/[id]",
      /^\/api\/legacy\/models\/(?<id>[^/]+)$/,
      (req: ApiRequest, res: ApiResponse) => {
        if (req.query.id === "credit-v3")
          res.status(200).send({ id: req.query.id, kind: "logistic-regression" })
        else res.status(404).json({ error: "unknown model" })
      },
    ),
    route("/api/legacy/text", /^\/api\/legacy\/text$/, (_req: ApiRequest, res: ApiResponse) => {
      res.setHeader("content-type", "text/plain")
      res.status(200).send("just text")
    }),
    route("/api/legacy/fail", /^\/api\/legacy\/fail$/, async () => {
      await new Promise((r) => setTimeout(r, 1))
      throw boom
    }),
    route(
      "/api/legacy/files/[...path]",
      /^\/api\/legacy\/files\/(?<path>.+)$/,
      (_req: ApiRequest, res: ApiResponse) => res.status(204).end(),
      "/api/legacy/files/[...path]",
    ),
  ])
  server = started.server
  base = started.url
  // What Next.js's apiResolver does with a thrown error: log it, answer 500. Keep the log quiet.
  vi.spyOn(console, "error").mockImplementation((error: unknown) => {
    thrownSeen = error
  })
})

afterAll(async () => {
  server?.close()
  await profiles.close()
  vi.restoreAllMocks()
})

/** Waits until the profiler has been handed `n` exchanges in all (recording follows the socket's close). */
const recorded = async (n: number) => {
  await vi.waitUntil(async () => (await profiles.profiler.status()).exchanges.recorded >= n, {
    timeout: 5_000,
  })
  await profiles.flush()
}

describe("withSketchlogApi under Next.js's apiResolver", () => {
  it("profiles the body Next.js parsed and the value given to res.json, per route and method", async () => {
    for (const age of [22, 41, 67]) {
      const response = await fetch(`${base}/api/legacy/score?trace=1`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ age, purpose: "car" }),
      })
      expect(await response.json()).toEqual({ prediction: age > 30 ? "approve" : "review", age_seen: age })
    }
    await recorded(3)
    const segment = "POST /api/legacy/score"
    expect(profiles.count(segment)).toBe(3)
    expect(profiles.value(segment, "http.status")).toBe("200")
    expect(profiles.column(segment, "request.body.age")["distribution/max"]).toBe(67)
    expect(profiles.value(segment, "request.body.purpose")).toBe("car")
    expect(profiles.value(segment, "response.body.prediction")).toBe("approve")
    expect(profiles.value(segment, "http.query.keys")).toBe("trace")
  })

  it("derives the dynamic template from req.query, keeping the URL's own query apart", async () => {
    for (const id of ["credit-v3", "credit-v3", "nope", "trace"]) {
      await (await fetch(`${base}/api/legacy/models/${id}?trace=${id}`)).text()
    }
    await fetch(`${base}/api/legacy/files/a/b/c.txt`)
    await recorded(8)
    const segment = "GET /api/legacy/models/[id]"
    expect(profiles.count(segment)).toBe(4)
    expect(profiles.value(segment, "response.body.kind")).toBe("logistic-regression")
    expect(profiles.value(segment, "http.query.keys")).toBe("trace")
    expect(profiles.count("GET /api/legacy/files/[...path]")).toBe(1)
    expect(profiles.segments().filter((s) => s.includes("credit") || s.includes("nope"))).toEqual([])
  })

  it("counts a text body by size only", async () => {
    expect(await (await fetch(`${base}/api/legacy/text`)).text()).toBe("just text")
    await recorded(9)
    const view = profiles.view("GET /api/legacy/text")
    expect(view.columnNames.filter((c) => c.startsWith("response.body."))).toEqual([])
    expect(profiles.column("GET /api/legacy/text", "http.response.size")["distribution/max"]).toBe(9)
  })

  it("records a thrown error with the 500 Next.js answers, and rethrows the same object to it", async () => {
    const response = await fetch(`${base}/api/legacy/fail`)
    expect(response.status).toBe(500)
    await recorded(10)
    expect(thrownSeen).toBe(boom)
    expect(profiles.value("GET /api/legacy/fail", "http.status")).toBe("500")
    expect(profiles.value("GET /api/legacy/fail", "http.error")).toBe("RangeError")
  })
})
