/**
 * Next.js route handlers wrapped by `@sketchlog/next`, served from a process of its own for hostile
 * input: App Router handlers (`withSketchlog`) behind a Node `http` ↔ fetch bridge like the one
 * `next start` runs, and a Pages Router API route (`withSketchlogApi`) through Next.js's own
 * `apiResolver`. Not `next start` itself (a build takes too long for the bounded suite); the wrappers
 * are the code under test. Argument: `{ profileDir, bare }` (`bare`: the same handlers unwrapped, to
 * tell the handlers' own failures from ours). Commands: `status`, `close`, `exit`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Readable } from "node:stream"
import { type HttpProfilerOptions, sharedHttpProfiler } from "@sketchlog/core/adapter"
import { withSketchlog, withSketchlogApi } from "@sketchlog/next"
import { apiResolver } from "next/dist/server/api-utils/node/api-resolver.js"
import { announceReady, serveCommands } from "./ChildProtocol.js"
import { MemorySampler } from "./MemorySampler.js"

const { profileDir, bare } = JSON.parse(process.argv[2] ?? "{}") as { profileDir: string; bare?: boolean }
const memory = new MemorySampler()
const options: HttpProfilerOptions = {
  datasetId: "next-routes",
  sessionOptions: { forceLocal: true },
  profileDir,
}
const profiler = bare ? undefined : sharedHttpProfiler(options)
await profiler?.ready

/** Requests that reached a route (wrapped or, with `bare`, not). */
const requests = { all: 0, health: 0 }

/** `POST /api/echo`: answers with the JSON it was sent (so the response body is as hostile as the request's). */
const echoHandler = async (request: Request, _context?: unknown) => {
  let body: unknown
  try {
    body = await request.json()
  } catch {
    return Response.json({ error: "malformed JSON" }, { status: 400 })
  }
  return Response.json({ echoed: body ?? null })
}
const echo = bare ? echoHandler : withSketchlog(echoHandler, { profiler: options, route: "/api/echo" })

/** `GET|POST /api/models/[id]`: a dynamic route whose template is derived from the params. */
const modelHandler = async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params
  const query = Object.fromEntries(new URL(request.url).searchParams)
  return Response.json({ id, keys: Object.keys(query).length })
}
const model = bare ? modelHandler : withSketchlog(modelHandler, { profiler: options })

/** `POST /api/legacy/echo` (Pages Router). */
const legacyHandler = (
  req: { body?: unknown },
  res: { status(code: number): { json(body: unknown): void } },
) => {
  res.status(200).json({ echoed: req.body ?? null })
}
const legacyRoute = (bare
  ? legacyHandler
  : withSketchlogApi(legacyHandler, { profiler: options, route: "/api/legacy/echo" })) as unknown as (
  req: IncomingMessage,
  res: ServerResponse,
) => unknown
/** What `apiResolver` loads; requests it answers itself (a body it cannot parse) never reach the route. */
const legacy = {
  default: (req: IncomingMessage, res: ServerResponse) => {
    requests.all++
    return legacyRoute(req, res)
  },
}

const toRequest = (req: IncomingMessage): Request => {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  const method = req.method ?? "GET"
  const hasBody = method !== "GET" && method !== "HEAD"
  return new Request(new URL(req.url ?? "/", "http://127.0.0.1"), {
    method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit)
}

/** The web request, or a 400 when the bridge cannot build one (as Next.js refuses what it cannot parse). */
const requestOf = (req: IncomingMessage, res: ServerResponse): Request | undefined => {
  try {
    return toRequest(req)
  } catch {
    res.writeHead(400).end()
    return undefined
  }
}

const send = async (res: ServerResponse, response: Response) => {
  res.statusCode = response.status
  response.headers.forEach((value, name) => {
    res.setHeader(name, value)
  })
  res.end(Buffer.from(await response.arrayBuffer()))
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1")
  void (async () => {
    try {
      if (url.pathname === "/api/echo") {
        const request = requestOf(req, res)
        if (request === undefined) return
        requests.all++
        await send(res, await echo(request, {}))
        return
      }
      const id = /^\/api\/models\/([^/]+)$/.exec(url.pathname)?.[1]
      if (id !== undefined) {
        let decoded: string
        try {
          decoded = decodeURIComponent(id)
        } catch {
          // Next.js answers a path it cannot decode with 400 before any route runs.
          res.writeHead(400).end()
          return
        }
        const request = requestOf(req, res)
        if (request === undefined) return
        requests.all++
        const params = Promise.resolve({ id: decoded })
        await send(res, await model(request, { params }))
        return
      }
      if (url.pathname === "/api/legacy/echo") {
        await apiResolver(
          req,
          res,
          Object.fromEntries(url.searchParams),
          legacy,
          { previewModeId: "", previewModeEncryptionKey: "", previewModeSigningKey: "", dev: false },
          false,
          false,
          "/api/legacy/echo",
        )
        return
      }
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}')
    } catch (error) {
      // What Next.js does with a handler that threw (the wrapper rethrows it unchanged): answer 500.
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
      process.stderr.write(`route failed: ${error instanceof Error ? error.name : typeof error}\n`)
    }
  })()
})
server.listen(0, "127.0.0.1")
await new Promise((resolve) => server.once("listening", resolve))

const status = async () => ({
  requests: { ...requests },
  profiler: await profiler?.status(),
  logger: profiler?.logger?.status(),
  memory: memory.peak(),
})

serveCommands({
  status,
  close: async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeIdleConnections()
    })
    // As `register()`'s shutdown does: let the profiling work after each response finish first
    // (a body the handler never read is read then, abandoned after 5 s without data).
    const until = Date.now() + 15_000
    while (profiler !== undefined && Date.now() < until) {
      const { exchanges } = await profiler.status()
      if (exchanges.recorded >= exchanges.admitted) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await profiler?.close()
    return status()
  },
  exit: () => {
    setImmediate(() => process.exit(0))
  },
})
announceReady({
  url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  profileDir: profiler?.profileDir,
})
