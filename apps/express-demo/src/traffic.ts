import type { LoanApplication } from "./LoanApplication.js"
import { homeOwnerships, loanPurposes } from "./LoanApplication.js"

/** A seeded uniform generator (mulberry32), so a demo run is reproducible. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Random = () => number

const normal = (r: Random, mean: number, sd: number): number => {
  const u = 1 - r()
  const v = r()
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}
const poisson = (r: Random, mean: number): number => {
  const limit = Math.exp(-mean)
  let k = 0
  let p = r()
  while (p > limit) {
    k++
    p *= r()
  }
  return k
}
const pick = <T>(r: Random, items: ReadonlyArray<readonly [T, number]>): T => {
  const total = items.reduce((s, [, w]) => s + w, 0)
  let x = r() * total
  for (const [item, w] of items) {
    x -= w
    if (x <= 0) return item
  }
  return items[items.length - 1]![0]
}
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits

/**
 * A realistic applicant. With `drifted`, the population has shifted the way a recession shifts it:
 * incomes about 28% lower, credit scores 25 points lower, more debt and delinquencies, and a new
 * employment category (`gig_worker`) the model never saw in training.
 */
export const applicant = (r: Random, drifted: boolean): LoanApplication => {
  const employment = pick<LoanApplication["employment_status"]>(
    r,
    drifted
      ? [
          ["employed", 0.46],
          ["self_employed", 0.11],
          ["unemployed", 0.07],
          ["student", 0.07],
          ["retired", 0.11],
          ["gig_worker", 0.18],
        ]
      : [
          ["employed", 0.62],
          ["self_employed", 0.12],
          ["unemployed", 0.05],
          ["student", 0.08],
          ["retired", 0.13],
        ],
  )
  const income = Math.exp(normal(r, Math.log(62_000), 0.45)) * (drifted ? 0.72 : 1)
  const working = employment !== "unemployed" && employment !== "student"
  return {
    age: Math.round(clamp(normal(r, employment === "retired" ? 68 : 40, 11), 18, 95)),
    annual_income: round(clamp(income, 0, 5_000_000), 2),
    loan_amount: round(clamp(Math.exp(normal(r, Math.log(15_000), 0.7)), 500, 2_000_000), 2),
    loan_term_months: pick(r, [
      [12, 0.1],
      [24, 0.2],
      [36, 0.4],
      [48, 0.1],
      [60, 0.2],
    ] as const),
    credit_score: Math.round(clamp(normal(r, drifted ? 665 : 690, 55), 300, 850)),
    employment_status: employment,
    years_employed: working ? round(clamp(-Math.log(1 - r()) * 6, 0, 50), 1) : 0,
    debt_to_income: round(clamp(normal(r, drifted ? 0.38 : 0.32, 0.12), 0, 2), 3),
    num_open_accounts: poisson(r, 5),
    num_delinquencies: poisson(r, drifted ? 0.55 : 0.3),
    home_ownership: pick(
      r,
      homeOwnerships.map((h, i) => [h, [0.38, 0.22, 0.36, 0.04][i]!] as const),
    ),
    purpose: pick(
      r,
      loanPurposes.map((p, i) => [p, [0.34, 0.16, 0.18, 0.1, 0.08, 0.14][i]!] as const),
    ),
    has_cosigner: r() < 0.12,
  }
}

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
