import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { Intake, IntakeKind } from "@sketchlog/core/intake"

/** What the HTTP server serves besides the intake messages. */
export interface CollectorRoutes {
  readonly intake: Intake
  /** `GET /status`: the collector's figures (JSON, no secrets). */
  readonly status: () => unknown
  /** `POST /flush`: writes every profile now. */
  readonly flush: () => Promise<object>
  /** `running` until shutdown begins. */
  readonly state: () => "running" | "closing" | "closed"
}

/** The server and what its shutdown needs. */
export interface CollectorServer {
  readonly server: Server
  /** Resolves once no request is being handled (at once when none is). */
  readonly idle: () => Promise<void>
}

/** Exact paths of the intake messages. */
const INTAKE_PATHS: Readonly<Record<string, IntakeKind>> = {
  "/log": "log",
  "/log-embeddings": "log-embeddings",
  "/publish": "publish",
}

interface Reply {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body: unknown
}

const send = (res: ServerResponse, reply: Reply, close = false): void => {
  if (res.headersSent || res.destroyed) return
  const payload = JSON.stringify(reply.body)
  res.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(payload)),
    "cache-control": "no-store",
    ...reply.headers,
    ...(close ? { connection: "close" } : {}),
  })
  res.end(payload)
}

const refusal = (
  status: number,
  error: string,
  message: string,
  headers?: Record<string, string>,
): Reply => ({
  status,
  headers,
  body: { ok: false, error, message },
})

/**
 * Reads a body up to `max` bytes. Past the limit it stops keeping chunks and answers `too-large` at
 * once (the caller replies 413 and closes the connection), so an oversized body never sits in memory.
 */
const readBody = (req: IncomingMessage, max: number): Promise<Buffer | "too-large" | "aborted"> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (value: Buffer | "too-large" | "aborted") => {
      if (done) return
      done = true
      resolve(value)
    }
    req.on("data", (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > max) {
        chunks.length = 0
        finish("too-large")
        return
      }
      chunks.push(chunk)
    })
    req.on("end", () => finish(Buffer.concat(chunks, size)))
    req.on("error", () => finish("aborted"))
    req.on("close", () => finish("aborted"))
  })

/**
 * The collector's HTTP server on Node's own `http` (no framework: five routes, and the body limit is
 * enforced while the body streams in). `POST /log`, `/log-embeddings`, `/publish` go to the intake;
 * `POST /flush` writes now; `GET /status` reports; `GET /health` answers without a token (for load
 * balancers and probes) and 503 while shutting down. Every route but `/health` needs the token
 * (`/publish` also as `?token=`, see `withQueryToken`); a request without it is refused before its
 * body is read.
 */
export const createCollectorServer = (routes: CollectorRoutes): CollectorServer => {
  const { intake } = routes
  let active = 0
  let idleWaiters: Array<() => void> = []

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?", 1)[0] as string
    const method = req.method ?? "GET"
    if (path === "/health") {
      if (method !== "GET" && method !== "HEAD") return send(res, methodNotAllowed("GET, HEAD"))
      const state = routes.state()
      return send(res, { status: state === "running" ? 200 : 503, body: { ok: state === "running", state } })
    }
    const kind = INTAKE_PATHS[path]
    const known = kind !== undefined || path === "/flush" || path === "/status"
    if (!known) return send(res, refusal(404, "not-found", `nothing is served at ${path.slice(0, 100)}`))
    const expected = path === "/status" ? "GET" : "POST"
    if (method !== expected) return send(res, methodNotAllowed(expected))
    if (routes.state() !== "running") {
      req.resume()
      return send(
        res,
        refusal(503, "unavailable", "the collector is shutting down; send again later", {
          "retry-after": "5",
        }),
        true,
      )
    }
    const headers = path === "/publish" ? withQueryToken(req) : req.headers
    const denied = intake.authorize(headers)
    if (denied !== undefined) {
      req.resume()
      return send(res, denied)
    }
    if (path === "/status") return send(res, { status: 200, body: routes.status() })
    if (path === "/flush") {
      req.resume()
      return send(res, { status: 200, body: { ok: true, ...(await routes.flush()) } })
    }
    const encoding = req.headers["content-encoding"]
    if (encoding !== undefined && encoding !== "identity") {
      req.resume()
      return send(res, refusal(415, "invalid-body", "compressed bodies are not accepted; send plain JSON"))
    }
    const declared = Number(req.headers["content-length"])
    if (Number.isFinite(declared) && declared > intake.maxBodyBytes) return send(res, intake.tooLarge(), true)
    const body = await readBody(req, intake.maxBodyBytes)
    if (body === "aborted") return
    if (body === "too-large") return send(res, intake.tooLarge(), true)
    send(res, await intake.handle(kind as IntakeKind, body, headers))
  }

  const server = createServer((req, res) => {
    active++
    handle(req, res)
      .catch((error: unknown) => {
        process.stderr.write(
          `sketchlog collector: ${error instanceof Error ? error.message : String(error)}\n`,
        )
        send(res, refusal(500, "internal", "the request could not be handled"))
      })
      .finally(() => {
        active--
        if (active === 0) {
          const waiters = idleWaiters
          idleWaiters = []
          for (const wake of waiters) wake()
        }
      })
  })
  // A slow client may not hold a connection open for ever (slowloris); Node's defaults are minutes.
  server.requestTimeout = 60_000
  server.headersTimeout = 20_000

  return {
    server,
    idle: () =>
      active === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            idleWaiters.push(resolve)
          }),
  }
}

/**
 * A Pub/Sub push subscription cannot send a header of our choosing: it can only call a URL (and add
 * its own OIDC token, which is not our secret). So `/publish` also takes the token as the `token`
 * query parameter of its push endpoint, which then stands in for the Authorization header.
 */
const withQueryToken = (req: IncomingMessage): IncomingMessage["headers"] => {
  const query = (req.url ?? "").indexOf("?")
  if (query === -1) return req.headers
  const token = new URLSearchParams((req.url ?? "").slice(query + 1)).get("token")
  return token === null ? req.headers : { ...req.headers, authorization: `Bearer ${token}` }
}

const methodNotAllowed = (allow: string): Reply =>
  refusal(405, "method-not-allowed", `use ${allow}`, { allow })
