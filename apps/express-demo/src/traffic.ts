import { applicant, pick, seededRandom } from "@sketchlog/loan-model"

/** One request the traffic sends. */
interface PlannedRequest {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly body?: string
  readonly contentType?: string
}

/** What a traffic run did. */
export interface TrafficReport {
  readonly sent: number
  readonly failed: number
  readonly byStatus: ReadonlyMap<number, number>
  readonly elapsedMs: number
}

/** Options of `sendTraffic`. */
export interface TrafficOptions {
  /** The API's base URL. */
  readonly url: string
  readonly requests: number
  /** Requests in flight at once. Default 16. */
  readonly concurrency?: number
  /** Applicants drawn from the drifted population. Default false. */
  readonly drifted?: boolean
  readonly seed?: number
  /** A bearer token sent on every request: the profiles must never contain it. */
  readonly bearerToken?: string
}

/**
 * Sends a mix of requests like a scoring API's clients would: mostly scores (some invalid, a few
 * malformed), model look-ups (some for unknown models), decision look-ups, a few unknown paths and
 * health checks.
 */
export const sendTraffic = async (options: TrafficOptions): Promise<TrafficReport> => {
  const r = seededRandom(options.seed ?? 7)
  const drifted = options.drifted ?? false
  const token = options.bearerToken ?? "demo-token-not-a-secret"
  const applications: Array<string> = []
  const byStatus = new Map<number, number>()
  let failed = 0
  let next = 0
  const started = performance.now()

  const plan = (): PlannedRequest => {
    const x = r()
    if (x < 0.66) {
      const a: Record<string, unknown> = { ...applicant(r, drifted) }
      const y = r()
      if (y < 0.03)
        a.credit_score = 900 // out of range → 422
      else if (y < 0.05) delete a.annual_income // missing → 422
      if (y > 0.99)
        return {
          method: "POST",
          path: "/v1/score",
          body: '{"age": 41, "annual_',
          contentType: "application/json",
        }
      return { method: "POST", path: "/v1/score", body: JSON.stringify(a), contentType: "application/json" }
    }
    if (x < 0.74) {
      const model = r() < 0.9 ? "credit-v4-shadow" : "credit-v9"
      return {
        method: "POST",
        path: `/v1/models/${model}/score`,
        body: JSON.stringify(applicant(r, drifted)),
        contentType: "application/json",
      }
    }
    if (x < 0.82) {
      const model = pick(r, [
        ["credit-v3", 0.6],
        ["credit-v4-shadow", 0.3],
        [`credit-v${Math.floor(r() * 1000)}`, 0.1],
      ] as const)
      return { method: "GET", path: `/v1/models/${model}` }
    }
    if (x < 0.86) return { method: "GET", path: r() < 0.3 ? "/v1/models?debug=1&token=s3cr3t" : "/v1/models" }
    if (x < 0.95) {
      const id =
        applications.length > 0 && r() < 0.85
          ? applications[Math.floor(r() * applications.length)]!
          : `00000000-0000-4000-8000-${String(Math.floor(r() * 1e12)).padStart(12, "0")}`
      return { method: "GET", path: `/v1/applications/${id}` }
    }
    if (x < 0.97) return { method: "GET", path: `/v2/score/${Math.floor(r() * 1e6)}` }
    return { method: "GET", path: "/health" }
  }

  const worker = async () => {
    while (next < options.requests) {
      next++
      const p = plan()
      try {
        const response = await fetch(options.url + p.path, {
          method: p.method,
          headers: {
            authorization: `Bearer ${token}`,
            "user-agent": "loan-portal/2.4 (demo traffic)",
            "x-request-id": `req-${next}`,
            ...(p.contentType === undefined ? {} : { "content-type": p.contentType }),
          },
          ...(p.body === undefined ? {} : { body: p.body }),
        })
        const text = await response.text()
        byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1)
        if (response.status === 200 && p.path.endsWith("/score")) {
          const id = (JSON.parse(text) as { application_id?: string }).application_id
          if (id !== undefined && applications.length < 2_000) applications.push(id)
        }
      } catch {
        failed++
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker))
  return { sent: options.requests, failed, byStatus, elapsedMs: performance.now() - started }
}
