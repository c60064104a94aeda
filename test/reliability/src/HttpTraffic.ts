import { Agent, request } from "node:http"
import { connect } from "node:net"
import { applicant, seededRandom } from "@sketchlog/express-demo"
import { responseProgress } from "./ResponseFraming.js"

/** One request, as the client sends it. */
export interface ClientRequest {
  readonly method: string
  /** Path and query. */
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | Buffer
}

/** How one request ended: answered with a status, or failed (refused, reset, timed out). */
export type ClientOutcome =
  | { readonly answered: true; readonly status: number }
  | { readonly answered: false; readonly error: string }

/** What a burst did. */
export interface BurstReport {
  readonly sent: number
  readonly answered: number
  readonly failed: number
  readonly byStatus: Readonly<Record<number, number>>
  readonly errors: Readonly<Record<string, number>>
}

/** Sends one request over `agent` and reads the whole answer. */
export const sendRequest = (
  base: string,
  call: ClientRequest,
  agent: Agent,
  timeoutMs = 30_000,
): Promise<ClientOutcome> =>
  new Promise((resolve) => {
    const url = new URL(call.path, base)
    const body = call.body === undefined ? undefined : Buffer.from(call.body)
    const req = request(
      url,
      {
        method: call.method,
        agent,
        headers: {
          ...(body === undefined ? {} : { "content-length": String(body.length) }),
          ...call.headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        res.on("data", () => undefined)
        res.on("end", () => resolve({ answered: true, status: res.statusCode ?? 0 }))
        res.on("error", (error) => resolve({ answered: false, error: codeOf(error) }))
      },
    )
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })))
    req.on("error", (error) => resolve({ answered: false, error: codeOf(error) }))
    req.end(body)
  })

const codeOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "code" in error ? String(error.code) : String(error)

/**
 * Sends `total` requests made by `make(i)`, `concurrency` at a time over keep-alive connections, and
 * counts how each ended. `onSent(i)` runs as request `i` goes out (to signal a process mid-burst).
 */
export const burst = async (
  base: string,
  total: number,
  concurrency: number,
  make: (i: number) => ClientRequest,
  onSent?: (i: number) => void,
): Promise<BurstReport> => {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const byStatus: Record<number, number> = {}
  const errors: Record<string, number> = {}
  let next = 0
  let answered = 0
  let failed = 0
  const worker = async () => {
    while (next < total) {
      const i = next++
      onSent?.(i)
      const outcome = await sendRequest(base, make(i), agent)
      if (outcome.answered) {
        answered++
        byStatus[outcome.status] = (byStatus[outcome.status] ?? 0) + 1
      } else {
        failed++
        errors[outcome.error] = (errors[outcome.error] ?? 0) + 1
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  agent.destroy()
  return { sent: total, answered, failed, byStatus, errors }
}

/**
 * The demo API's traffic, seeded: scores (valid and invalid applications), scores by a named model,
 * model and decision look-ups, unknown paths. `headers` go on every request (a dataset name, planted
 * secrets).
 */
export const demoTraffic = (
  seed: number,
  headers: Readonly<Record<string, string>> = {},
): ((i: number) => ClientRequest) => {
  const r = seededRandom(seed)
  const json = { "content-type": "application/json", ...headers }
  return (i) => {
    const kind = i % 10
    if (kind < 6) {
      const body: Record<string, unknown> = { ...applicant(r, false) }
      if (kind === 5 && r() < 0.3) body.credit_score = 9_000 // invalid: 422
      return { method: "POST", path: "/v1/score", headers: json, body: JSON.stringify(body) }
    }
    if (kind === 6) {
      return {
        method: "POST",
        path: "/v1/models/credit-v4-shadow/score",
        headers: json,
        body: JSON.stringify(applicant(r, true)),
      }
    }
    if (kind === 7) return { method: "GET", path: "/v1/models/credit-v3", headers }
    if (kind === 8) return { method: "GET", path: `/v1/applications/unknown-${i}`, headers }
    return { method: "GET", path: "/v1/models", headers }
  }
}

/**
 * Writes `bytes` to `host:port` as they are (no client-side validation: any header or body bytes) and
 * resolves with the status of the answer, or how the connection ended without one.
 *
 * The client keeps its side of the connection open until the whole answer is in (framed as
 * `responseProgress` reads it, or ended by the server's close), as a real client does. It must not
 * half-close after sending: Node's HTTP server (`httpAllowHalfOpen` false) takes the client's FIN as
 * the end of the connection, aborts the request in flight and ends the socket, so any answer not yet
 * written by then (a body still being read or inflated, an async handler) is lost, with or without
 * sketchlog.
 *
 * With `bodyAfterMs` the head goes first and the body only if no answer came within that time, as a
 * client that sent `expect: 100-continue` does: an answer the server gives to the head alone (Node's
 * own 431 or 400) is then read before any of the body is sent, so the server's abortive close over an
 * unread body cannot reset the connection and take the answer with it.
 */
export const sendBytes = (
  host: string,
  port: number,
  bytes: Buffer,
  timeoutMs = 10_000,
  bodyAfterMs?: number,
): Promise<ClientOutcome> =>
  new Promise((resolve) => {
    const method = bytes.subarray(0, Math.max(0, bytes.indexOf(0x20))).toString("latin1")
    const socket = connect(port, host)
    const chunks: Buffer[] = []
    let done = false
    let bodyTimer: NodeJS.Timeout | undefined
    const received = () => Buffer.concat(chunks)
    const finish = (outcome: ClientOutcome) => {
      if (done) return
      done = true
      clearTimeout(timer)
      clearTimeout(bodyTimer)
      socket.destroy()
      resolve(outcome)
    }
    // The server ended the connection: the answer is what came, if its final status line did (a body
    // framed by the close, or one cut short by a reset after an early answer).
    const ended = (error: string) => () => {
      const progress = responseProgress(received(), method)
      const status = "status" in progress ? progress.status : finalStatusOf(received())
      finish(status !== undefined ? { answered: true, status } : { answered: false, error })
    }
    // An answer still incomplete when the time is up is not one.
    const timer = setTimeout(() => finish({ answered: false, error: "TIMEOUT" }), timeoutMs)
    const headEnd = bytes.indexOf("\r\n\r\n") + 4
    socket.on("connect", () => {
      if (bodyAfterMs === undefined || headEnd < 4 || headEnd === bytes.length) socket.write(bytes)
      else {
        socket.write(bytes.subarray(0, headEnd))
        // No final answer yet (a `100 Continue` is not one): the server waits for the body.
        bodyTimer = setTimeout(() => {
          if (responseProgress(received(), method).state === "head") socket.write(bytes.subarray(headEnd))
        }, bodyAfterMs)
      }
    })
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk)
      const progress = responseProgress(received(), method)
      if (progress.state === "complete") finish({ answered: true, status: progress.status })
    })
    socket.on("end", ended("EOF"))
    socket.on("error", (error) => ended(codeOf(error))())
    socket.on("close", ended("CLOSED"))
  })

/** The status of a response whose head is cut short, if its status line came and is not interim. */
const finalStatusOf = (received: Buffer): number | undefined => {
  const match = /^HTTP\/1\.[01] (\d{3}) /.exec(received.subarray(0, 64).toString("latin1"))
  const status = match === null ? undefined : Number(match[1])
  return status !== undefined && status >= 200 ? status : undefined
}
