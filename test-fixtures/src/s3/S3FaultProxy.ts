import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http"
import type { AddressInfo, Socket } from "node:net"

/** What an S3 request does. */
export type S3Operation = "put" | "get" | "list" | "delete" | "other"

/** What the proxy does to a request instead of (or after) forwarding it. */
export type S3FaultAction =
  /** 503 SlowDown, as S3 throttles, with `Retry-After` when given (seconds). */
  | { readonly type: "slow-down"; readonly retryAfterSeconds?: number | undefined }
  /** 429 Too Many Requests (what some S3-compatible services and gateways send). */
  | { readonly type: "throttle"; readonly retryAfterSeconds?: number | undefined }
  /** 403 InvalidAccessKeyId: the credentials are refused. */
  | { readonly type: "deny" }
  /** 500 InternalError. */
  | { readonly type: "internal-error" }
  /** The connection is reset before the request reaches the server. */
  | { readonly type: "reset" }
  /**
   * The request is forwarded — the server stores the object — then the connection is reset instead
   * of answering: the ambiguous failure a retry must not turn into a second object.
   */
  | { readonly type: "reset-after-body" }
  /**
   * Forwarded, answered with the server's status and headers and the first half of its body, then
   * the connection is reset: a download cut mid-object.
   */
  | { readonly type: "cut-body" }
  /** Never answered. */
  | { readonly type: "hang" }

/** Which requests a fault applies to. */
export type S3FaultMatch = S3Operation | "any" | ((request: S3Request) => boolean)

/** A request the proxy saw. */
export interface S3Request {
  readonly operation: S3Operation
  readonly method: string
  /** Path and query, as sent. */
  readonly url: string
  /** The request's headers, as sent (names in lower case). */
  readonly headers: IncomingHttpHeaders
  /** The fault applied, if any. */
  readonly fault: S3FaultAction["type"] | undefined
}

interface Rule {
  readonly action: S3FaultAction
  readonly match: S3FaultMatch
  remaining: number
}

const operationOf = (method: string, url: string): S3Operation => {
  const [path = "", query = ""] = url.split("?")
  const parts = path.split("/").filter((p) => p.length > 0)
  if (method === "POST" && /(^|&)delete(=|&|$)/.test(query)) return "delete"
  if (parts.length >= 2) return method === "PUT" ? "put" : method === "GET" ? "get" : "other"
  if (method === "GET" && parts.length === 1) return "list"
  return "other"
}

const errorXml = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`

const STATUS: Record<string, { status: number; code: string; message: string }> = {
  "slow-down": { status: 503, code: "SlowDown", message: "Please reduce your request rate." },
  throttle: { status: 429, code: "TooManyRequests", message: "Too many requests." },
  deny: {
    status: 403,
    code: "InvalidAccessKeyId",
    message: "The AWS Access Key Id you provided does not exist in our records.",
  },
  "internal-error": { status: 500, code: "InternalError", message: "We encountered an internal error." },
}

/**
 * A fault-injecting HTTP proxy in front of an S3 server (`S3Server`), on 127.0.0.1: it forwards
 * every request unchanged unless a rule says otherwise — 503 SlowDown, 429, 403 bad credentials, a
 * reset before the request reaches the server or after the server stored it, a request never answered,
 * or the whole service down — like the fake platform's `faults`.
 *
 * ```ts
 * const proxy = await S3FaultProxy.start(s3.endpoint)
 * proxy.slowDown(2, 1, "put")     // the next two uploads get 503 SlowDown, Retry-After: 1
 * proxy.resetAfterBody(1, "put")  // the next upload is stored, but its answer is lost
 * ```
 */
export class S3FaultProxy {
  /** `http://127.0.0.1:<port>`: give it to clients as the endpoint. */
  readonly endpoint: string
  readonly #server: Server
  readonly #upstream: URL
  readonly #sockets = new Set<Socket>()
  readonly #requests: S3Request[] = []
  #rules: Rule[] = []
  #down = false

  private constructor(server: Server, endpoint: string, upstream: string) {
    this.#server = server
    this.endpoint = endpoint
    this.#upstream = new URL(upstream)
    server.on("connection", (socket) => {
      if (this.#down) {
        socket.destroy()
        return
      }
      this.#sockets.add(socket)
      socket.on("close", () => this.#sockets.delete(socket))
    })
    server.on("request", (req, res) => this.#handle(req, res))
  }

  /** A proxy forwarding to `upstream` (an S3 server's endpoint). */
  static async start(upstream: string): Promise<S3FaultProxy> {
    const server = createServer({ keepAlive: true })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    return new S3FaultProxy(server, `http://127.0.0.1:${port}`, upstream)
  }

  /** Every request seen so far, in arrival order. */
  get requests(): ReadonlyArray<S3Request> {
    return [...this.#requests]
  }

  /** Applies `action` to the next `times` requests `match` selects (rules are tried in order). */
  inject(action: S3FaultAction, times = 1, match: S3FaultMatch = "any"): this {
    this.#rules.push({ action, match, remaining: times })
    return this
  }

  slowDown(times: number, retryAfterSeconds?: number, match: S3FaultMatch = "any"): this {
    return this.inject({ type: "slow-down", retryAfterSeconds }, times, match)
  }

  throttle(times: number, retryAfterSeconds?: number, match: S3FaultMatch = "any"): this {
    return this.inject({ type: "throttle", retryAfterSeconds }, times, match)
  }

  deny(times: number, match: S3FaultMatch = "any"): this {
    return this.inject({ type: "deny" }, times, match)
  }

  resetAfterBody(times: number, match: S3FaultMatch = "any"): this {
    return this.inject({ type: "reset-after-body" }, times, match)
  }

  cutBody(times: number, match: S3FaultMatch = "any"): this {
    return this.inject({ type: "cut-body" }, times, match)
  }

  reset(times: number, match: S3FaultMatch = "any"): this {
    return this.inject({ type: "reset" }, times, match)
  }

  hang(times: number, match: S3FaultMatch = "any"): this {
    return this.inject({ type: "hang" }, times, match)
  }

  /** Refuses every new connection (and drops open ones) until `up()`. */
  down(): this {
    this.#down = true
    for (const socket of this.#sockets) socket.destroy()
    return this
  }

  up(): this {
    this.#down = false
    return this
  }

  /** Removes every rule and ends `down()`. */
  clear(): this {
    this.#rules = []
    this.#down = false
    return this
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #take(request: Omit<S3Request, "fault">): S3FaultAction | undefined {
    for (const rule of this.#rules) {
      if (rule.remaining <= 0) continue
      const hit =
        typeof rule.match === "function"
          ? rule.match({ ...request, fault: undefined })
          : rule.match === "any" || rule.match === request.operation
      if (!hit) continue
      rule.remaining -= 1
      return rule.action
    }
    return undefined
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? "GET"
    const url = req.url ?? "/"
    const operation = operationOf(method, url)
    const action = this.#take({ operation, method, url, headers: req.headers })
    this.#requests.push({ operation, method, url, headers: req.headers, fault: action?.type })
    if (action === undefined) {
      this.#forward(req, res)
      return
    }
    switch (action.type) {
      case "reset":
        req.socket.destroy()
        return
      case "hang":
        req.resume()
        return
      case "reset-after-body":
        this.#forward(req, res, "drop")
        return
      case "cut-body":
        this.#forward(req, res, "cut")
        return
      default: {
        const { status, code, message } = STATUS[action.type] as (typeof STATUS)[string]
        const retryAfter = "retryAfterSeconds" in action ? action.retryAfterSeconds : undefined
        req.resume()
        req.on("end", () => {
          res.writeHead(status, {
            "content-type": "application/xml",
            ...(retryAfter === undefined ? {} : { "retry-after": String(retryAfter) }),
          })
          res.end(errorXml(code, message))
        })
      }
    }
  }

  /**
   * Forwards to the server; `"drop"` waits for the whole answer and then resets instead, `"cut"`
   * passes on the status, the headers and half the body, then resets.
   */
  #forward(req: IncomingMessage, res: ServerResponse, fault?: "drop" | "cut"): void {
    const upstream = request(
      {
        host: this.#upstream.hostname,
        port: this.#upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        if (fault === "drop") {
          answer.resume()
          answer.on("end", () => req.socket.destroy())
          return
        }
        if (fault === "cut") {
          const chunks: Buffer[] = []
          answer.on("data", (chunk: Buffer) => chunks.push(chunk))
          answer.on("end", () => {
            const body = Buffer.concat(chunks)
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            res.write(body.subarray(0, Math.floor(body.byteLength / 2)), () => req.socket.destroy())
          })
          return
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on("error", () => req.socket.destroy())
    req.pipe(upstream)
  }
}
