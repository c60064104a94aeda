import { randomBytes, randomUUID } from "node:crypto"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { authenticate } from "./authenticate.js"
import { FakeFaults } from "./FakeFaults.js"
import { FakeOAuth } from "./FakeOAuth.js"
import { FakeUploads } from "./FakeUploads.js"
import { errorReply, parseJson, type Reply, readBody, routeOf, segmentTagsOf, sendReply } from "./replies.js"
import type {
  FakeOAuthClient,
  FakePlatformOptions,
  FakeUploadKind,
  ReceivedProfile,
  RecordedRequest,
  TokenGrant,
} from "./types.js"

interface RequestWaiter {
  readonly count: number
  readonly match: (request: RecordedRequest) => boolean
  readonly resolve: (requests: ReadonlyArray<RecordedRequest>) => void
}

/** Load and concurrency figures of the platform since start (or the last `reset()`). */
export interface FakePlatformStats {
  readonly requests: number
  readonly inFlight: number
  /** The highest number of requests that were being handled at the same time. */
  readonly maxInFlight: number
}

/**
 * A WhyLabs-compatible platform for tests: a real HTTP server on 127.0.0.1 (ephemeral port) that
 * implements the upload endpoints of FORMATS.md, anonymous sessions, presigned-style PUT URLs on the
 * same server and OAuth 2.0, stores what it receives, and injects faults on demand.
 *
 * ```ts
 * const platform = await FakePlatform.start()
 * // … point the code under test at platform.url with platform.apiKey …
 * expect(platform.profiles()).toHaveLength(1)
 * await platform.close()
 * ```
 */
export class FakePlatform {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string
  /** The organisation of the default key and clients. */
  readonly orgId: string
  /** The first accepted API key (`<id>.<secret>:<org>` unless keys were given). */
  readonly apiKey: string
  /** Every accepted API key. */
  readonly apiKeys: ReadonlyArray<string>
  /** A confidential OAuth client for the client-credentials grant. */
  readonly oauthClient: { readonly clientId: string; readonly clientSecret: string }
  /** A public OAuth client for the browser and headless (PKCE) flows. */
  readonly publicClientId: string
  /** Fault injection: `platform.faults.failNext(2, 503)`, `.rateLimit(1, 3)`, `.hang(1)`, … */
  readonly faults: FakeFaults
  /** The OAuth state: granted and revoked tokens. */
  readonly oauth: FakeOAuth
  private readonly uploads: FakeUploads

  private readonly recorded: RecordedRequest[] = []
  private readonly sessions = new Map<string, { readonly userId: string }>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly sockets = new Set<Socket>()
  private waiters: RequestWaiter[] = []
  private inFlight = 0
  private maxInFlight = 0
  private seq = 0
  private closed = false

  private constructor(
    private readonly server: Server,
    url: string,
    options: FakePlatformOptions,
  ) {
    this.url = url
    this.orgId = options.orgId ?? "org-fake"
    const generated = `${randomBytes(5).toString("hex").toUpperCase()}.${randomBytes(24).toString("base64url")}:${this.orgId}`
    this.apiKeys = options.apiKeys ?? [generated]
    this.apiKey = this.apiKeys[0] ?? generated
    const confidential: FakeOAuthClient = {
      clientId: "sketchlog-service",
      clientSecret: randomBytes(18).toString("base64url"),
    }
    const clients = options.clients ?? [confidential, { clientId: "sketchlog-cli" }]
    const firstConfidential = clients.find((c) => c.clientSecret !== undefined) ?? confidential
    this.oauthClient = {
      clientId: firstConfidential.clientId,
      clientSecret: firstConfidential.clientSecret ?? "",
    }
    this.publicClientId = clients.find((c) => c.clientSecret === undefined)?.clientId ?? "sketchlog-cli"
    this.faults = new FakeFaults(options.seed ?? 1)
    this.uploads = new FakeUploads(url)
    this.oauth = new FakeOAuth(clients, this.orgId, options.tokenTtlSeconds ?? 3600, this.faults)
  }

  /** Starts a platform on 127.0.0.1 with an ephemeral port. */
  static async start(options: FakePlatformOptions = {}): Promise<FakePlatform> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject)
      server.listen(0, "127.0.0.1", () => resolve())
    })
    const { port } = server.address() as AddressInfo
    const platform = new FakePlatform(server, `http://127.0.0.1:${port}`, options)
    server.on("connection", (socket) => platform.onConnection(socket))
    server.on("request", (req, res) => {
      platform.onRequest(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendReply(res, errorReply(500, `fake platform bug: ${String(error)}`))
      })
    })
    return platform
  }

  /** Profiles received so far (complete uploads only: announced and then PUT), oldest first. */
  profiles(filter: { datasetId?: string; kind?: FakeUploadKind } = {}): ReadonlyArray<ReceivedProfile> {
    return this.uploads.profiles(filter)
  }

  /** Requests seen so far, oldest first, optionally only those whose path matches. */
  requests(path?: RegExp | string): ReadonlyArray<RecordedRequest> {
    if (path === undefined) return [...this.recorded]
    return this.recorded.filter((r) => (typeof path === "string" ? r.path === path : path.test(r.path)))
  }

  /** Successful token grants (`/oauth/token` and `issueToken`), oldest first. */
  tokenGrants(): ReadonlyArray<TokenGrant> {
    return this.oauth.grants()
  }

  /** Issues an access token for `clientId` (default: the public client), as a web page would show it. */
  issueToken(clientId: string = this.publicClientId, ttlSeconds?: number): string {
    return this.oauth.issueToken(clientId, ttlSeconds)
  }

  /** Creates an anonymous session as `POST /v0/sessions` would, and returns its id. */
  createAnonymousSession(userId: string = randomUUID()): string {
    const id = `session-${randomBytes(6).toString("hex")}`
    this.sessions.set(id, { userId })
    return id
  }

  /** Ids of the anonymous sessions that exist. */
  anonymousSessions(): ReadonlyArray<string> {
    return [...this.sessions.keys()]
  }

  /** Load and concurrency figures. */
  stats(): FakePlatformStats {
    return { requests: this.recorded.length, inFlight: this.inFlight, maxInFlight: this.maxInFlight }
  }

  /**
   * Resolves once `count` requests matching `match` (a path pattern or a predicate) have arrived,
   * counting those already seen.
   */
  waitForRequests(
    count: number,
    match: RegExp | ((request: RecordedRequest) => boolean) = () => true,
  ): Promise<ReadonlyArray<RecordedRequest>> {
    const predicate = typeof match === "function" ? match : (r: RecordedRequest) => match.test(r.path)
    const seen = this.recorded.filter(predicate)
    if (seen.length >= count) return Promise.resolve(seen.slice(0, count))
    return new Promise((resolve) => this.waiters.push({ count, match: predicate, resolve }))
  }

  /** Forgets profiles, requests, pending uploads, OAuth tokens and grants and figures; clears every fault. */
  reset(): void {
    this.oauth.reset()
    this.recorded.length = 0
    this.uploads.reset()
    this.maxInFlight = this.inFlight
    this.faults.clear()
  }

  /** Stops the server: hung and kept-alive connections are destroyed, pending delays cancelled. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const socket of this.sockets) socket.destroy()
    this.server.closeAllConnections()
    await done
  }

  /** `await using platform = await FakePlatform.start()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  private onConnection(socket: Socket): void {
    if (this.faults.isDown()) {
      socket.destroy()
      return
    }
    this.sockets.add(socket)
    socket.on("close", () => this.sockets.delete(socket))
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url)
    const path = url.pathname
    const route = routeOf(path)
    const method = req.method ?? "GET"
    const fault = this.faults.take({ method, path, route })
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
    }
    this.seq += 1
    const record: RecordedRequest = {
      seq: this.seq,
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers,
      route,
      fault: fault?.type,
      receivedAt: new Date(),
    }
    this.recorded.push(record)
    this.inFlight += 1
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    res.on("close", () => {
      this.inFlight -= 1
    })
    this.notifyWaiters()

    if (fault?.type === "drop") {
      req.socket.destroy()
      return
    }
    if (fault?.type === "hang") return
    if (fault?.type === "delay") {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer)
          resolve()
        }, fault.ms)
        this.timers.add(timer)
      })
      if (this.closed || res.destroyed) return
    }
    const body = await readBody(req)
    if (fault?.type === "status") {
      const extra: Record<string, string> = {}
      if (fault.retryAfter !== undefined) extra["retry-after"] = String(fault.retryAfter)
      sendReply(res, errorReply(fault.status, `injected fault: ${fault.status}`, extra))
      return
    }
    sendReply(res, this.handle(method, path, url.searchParams, headers, body))
  }

  private notifyWaiters(): void {
    this.waiters = this.waiters.filter((waiter) => {
      const seen = this.recorded.filter(waiter.match)
      if (seen.length < waiter.count) return true
      waiter.resolve(seen.slice(0, waiter.count))
      return false
    })
  }

  private handle(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: Record<string, string>,
    body: Buffer,
  ): Reply {
    const parts = path
      .split("/")
      .filter((p) => p.length > 0)
      .map(decodeURIComponent)
    if (method === "GET" && path === "/oauth/authorize") return this.oauth.authorize(query)
    if (method === "POST" && path === "/oauth/token") {
      return this.oauth.token(new URLSearchParams(body.toString("utf8")), headers.authorization)
    }
    if (method === "POST" && path === "/oauth/revoke") {
      return this.oauth.revoke(new URLSearchParams(body.toString("utf8")))
    }
    if (method === "PUT" && parts[0] === "upload" && parts.length === 2) {
      return this.uploads.receiveBytes(parts[1] ?? "", query, headers, body)
    }
    // GET /v0/organizations/{org}/api-key/{keyId}: a key's metadata (WhyLabs' ApiKeyApi.get_api_key),
    // which `sketchlog login --api-key` calls to check a key without side effects.
    if (method === "GET" && parts[0] === "v0" && parts[1] === "organizations" && parts[3] === "api-key") {
      if (parts.length !== 5) return errorReply(404, `no route for ${method} ${path}`)
      const orgId = parts[2] ?? ""
      const auth = authenticate(headers, orgId, this)
      if ("status" in auth) return auth
      const keyId = parts[4] ?? ""
      if (!this.apiKeys.some((k) => k.startsWith(`${keyId}.`))) return errorReply(404, "no such API key")
      return { status: 200, json: { keyId, orgId, scopes: [":user"] } }
    }
    if (method !== "POST" || parts[0] !== "v0") return errorReply(404, `no route for ${method} ${path}`)

    const json = parseJson(body)
    if (json === undefined) return errorReply(400, "the body must be a JSON object")
    // /v0/organizations/{org}/log/{async|reference}/{dataset}
    if (parts[1] === "organizations" && parts[3] === "log" && parts.length === 6) {
      const orgId = parts[2] ?? ""
      const auth = authenticate(headers, orgId, this)
      if ("status" in auth) return auth
      const datasetId = parts[5] ?? ""
      const datasetTimestamp = json.datasetTimestamp
      if (typeof datasetTimestamp !== "number") return errorReply(400, "datasetTimestamp must be a number")
      if (parts[4] === "async") {
        const segmentTags = segmentTagsOf(json.segmentTags)
        if (segmentTags === undefined) return errorReply(400, "segmentTags must be [{ key, value }]")
        return this.uploads.announce({
          kind: "profile",
          orgId,
          datasetId,
          datasetTimestamp,
          segmentTags,
          alias: undefined,
          sessionId: undefined,
          auth: auth.kind,
        })
      }
      if (parts[4] === "reference") {
        if (typeof json.alias !== "string") return errorReply(400, "alias must be a string")
        return this.uploads.announce({
          kind: "reference",
          orgId,
          datasetId,
          datasetTimestamp,
          segmentTags: [],
          alias: json.alias,
          sessionId: undefined,
          auth: auth.kind,
        })
      }
    }
    // /v0/sessions and /v0/sessions/{id}/upload
    if (parts[1] === "sessions" && parts.length === 2) {
      const userId = typeof json.userId === "string" ? json.userId : ""
      if (userId.length === 0) return errorReply(400, "userId is required")
      return { status: 200, json: { id: this.createAnonymousSession(userId) } }
    }
    if (parts[1] === "sessions" && parts[3] === "upload" && parts.length === 4) {
      const sessionId = parts[2] ?? ""
      if (!this.sessions.has(sessionId)) return errorReply(404, "no such session")
      const segmentTags = segmentTagsOf(json.segmentTags)
      if (segmentTags === undefined) return errorReply(400, "segmentTags must be [{ key, value }]")
      if (segmentTags.length > 0) return errorReply(400, "anonymous sessions do not take segmented profiles")
      if (typeof json.datasetTimestamp !== "number")
        return errorReply(400, "datasetTimestamp must be a number")
      const datasetId = typeof json.dataset === "string" ? json.dataset : "default"
      const reply = this.uploads.announce({
        kind: "anonymous",
        orgId: undefined,
        datasetId,
        datasetTimestamp: json.datasetTimestamp,
        segmentTags: [],
        alias: undefined,
        sessionId,
        auth: "none",
      })
      const { uploadUrl } = (reply as { json: { uploadUrl: string } }).json
      return {
        status: 200,
        json: { uploadUrl, observatoryUrl: `${this.url}/observatory/${sessionId}?dataset=${datasetId}` },
      }
    }
    return errorReply(404, `no route for ${method} ${path}`)
  }
}
