import { Agent } from "node:http"
import { applicant, seededRandom } from "@sketchlog/express-demo"
import autocannon from "autocannon"
import { sendRequest } from "./HttpTraffic.js"

/** One run of the load generator. */
export interface LoadRun {
  /** Requests per second asked for (0: as fast as the connections allow). */
  readonly offered: number
  /** Responses per second received. */
  readonly achieved: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  /** Requests written, and responses received. */
  readonly sent: number
  readonly answered: number
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
}

/**
 * The requests the load cycles through: scores with four realistic applications (13 features each),
 * a model card, the model list. All answer 2xx, so any other status is a failure.
 */
export const loadRequests = (): autocannon.Request[] => {
  const r = seededRandom(42)
  const score = (path: string) => ({
    method: "POST" as const,
    path,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(applicant(r, false)),
  })
  return [
    score("/v1/score"),
    score("/v1/score"),
    { method: "GET", path: "/v1/models/credit-v3" },
    score("/v1/score"),
    score("/v1/models/credit-v4-shadow/score"),
    { method: "GET", path: "/v1/models" },
  ]
}

/** Loads `url` for `seconds` at `rate` requests/s overall (0: unthrottled) over `connections`. */
export const load = async (
  url: string,
  seconds: number,
  rate: number,
  connections: number,
): Promise<LoadRun> => {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: loadRequests(),
    timeout: 10,
    ...(rate > 0 ? { overallRate: rate } : {}),
  })
  return {
    offered: rate,
    // Over the run's own measured length: a paced run can end a little after `seconds`.
    achieved: Math.round(result.requests.total / Math.max(result.duration, seconds)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    sent: result.requests.sent,
    answered: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  }
}

/** What the health probe saw while the server was loaded. */
export interface ProbeReport {
  readonly sent: number
  readonly answered: number
  readonly maxMillis: number
}

/**
 * Asks `GET /health` every `everyMillis` on a connection of its own until stopped: does the server
 * keep answering, and how long does an answer take at worst.
 */
export const startHealthProbe = (url: string, everyMillis = 100): { stop(): Promise<ProbeReport> } => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  let stopped = false
  let sent = 0
  let answered = 0
  let maxMillis = 0
  const loop = (async () => {
    while (!stopped) {
      const t0 = performance.now()
      sent++
      const outcome = await sendRequest(url, { method: "GET", path: "/health" }, agent, 30_000)
      const ms = performance.now() - t0
      if (outcome.answered && outcome.status === 200) answered++
      maxMillis = Math.max(maxMillis, ms)
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMillis - ms)))
    }
  })()
  return {
    stop: async () => {
      stopped = true
      await loop
      agent.destroy()
      return { sent, answered, maxMillis: Math.round(maxMillis) }
    },
  }
}
