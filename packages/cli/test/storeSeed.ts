/**
 * Seeded profile stores for the monitor's tests and bench: profiles of a loan-scoring API (request
 * and response body fields and HTTP housekeeping, 20 columns) written through core's DirectoryStore
 * in the partitioned key layout, one profile per (dataset, hour, segment, replica).
 */
import { DatasetProfile } from "@sketchlog/core"
import { DirectoryStore, profileKey } from "@sketchlog/core/store"
import { uniforms } from "@sketchlog/test-fixtures"
import { Effect } from "effect"

export const HOUR = 3_600_000

/** What to seed. */
export interface SeedOptions {
  readonly dir: string
  readonly datasets: ReadonlyArray<string>
  /** Start of the first hour (UTC ms, whole hour). */
  readonly start: number
  readonly hours: number
  readonly segments: ReadonlyArray<string>
  readonly replicas: ReadonlyArray<string>
  /** Rows per profile (default 200). */
  readonly rows?: number
  /** From this time on, the traffic has drifted: lower incomes and scores, nulls, terms as text. */
  readonly driftFrom?: number | undefined
  /** From this time on, a new employment category appears ("gig"); default: with the drift. */
  readonly newValueFrom?: number | undefined
  /** Rows per profile from this time on (e.g. 0 hours left out, or a traffic drop). */
  readonly rowsFrom?: { readonly time: number; readonly rows: number } | undefined
}

const pick = <A>(next: () => number, values: ReadonlyArray<A>): A =>
  values[Math.floor(next() * values.length)] as A

/** The columns of one profile's rows. */
export const loanColumns = (
  seed: number,
  rows: number,
  drifted: boolean,
  route: string,
  newValue = drifted,
): Record<string, unknown[]> => {
  const next = uniforms(seed)
  const normal = () => {
    const u = 1 - next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next())
  }
  const cols: Record<string, unknown[]> = {}
  const put = (name: string, value: unknown) => {
    const list = cols[name]
    if (list === undefined) cols[name] = [value]
    else list.push(value)
  }
  for (let i = 0; i < rows; i++) {
    const income = Math.round(Math.exp(Math.log(drifted ? 30_000 : 52_000) + 0.35 * normal()) * 100) / 100
    put("request.body.income", drifted && next() < 0.2 ? null : income)
    put("request.body.age", Math.max(18, Math.round(41 + 12 * normal())))
    put(
      "request.body.credit_score",
      Math.min(850, Math.max(300, Math.round((drifted ? 640 : 690) + 55 * normal()))),
    )
    put("request.body.loan_amount", Math.round(Math.exp(Math.log(14_000) + 0.5 * normal()) * 100) / 100)
    // Drifted clients send the term as text ("36") three times in ten: a type change.
    put("request.body.term_months", drifted && next() < 0.3 ? "36" : 36)
    put(
      "request.body.employment",
      newValue && next() < 0.25 ? "gig" : pick(next, ["salaried", "salaried", "self-employed", "retired"]),
    )
    put("request.body.purpose", pick(next, ["car", "home", "education", "debt", "other"]))
    put("request.body.state", pick(next, ["CA", "NY", "TX", "WA", "FL", "IL", "MA", "GA"]))
    put("request.body.has_cosigner", next() < 0.18)
    put("request.body.email_domain", pick(next, ["gmail.com", "outlook.com", "yahoo.com", "proton.me"]))
    const score = Math.min(1, Math.max(0, 0.62 + 0.18 * normal() - (drifted ? 0.08 : 0)))
    put("response.body.score", Math.round(score * 1e4) / 1e4)
    put("response.body.decision", score > 0.7 ? "approve" : score > 0.5 ? "review" : "deny")
    put("response.body.model_version", "v3")
    put("http.status", next() < 0.02 ? 422 : 200)
    put("http.method", "POST")
    put("http.route", route)
    put("http.duration_ms", Math.round(Math.exp(Math.log(18) + 0.4 * normal()) * 1000) / 1000)
    put("http.request.size", Math.round(320 + 40 * normal()))
    put("http.response.size", Math.round(140 + 10 * normal()))
    put("http.request.content_type", "application/json")
  }
  return cols
}

/** Writes the store; resolves with the number of profiles written. */
export const seedStore = async (options: SeedOptions): Promise<number> => {
  const store = new DirectoryStore(options.dir, { fsync: false })
  let written = 0
  let seed = 1
  for (const datasetId of options.datasets) {
    for (let h = 0; h < options.hours; h++) {
      const timestamp = options.start + h * HOUR
      const drifted = options.driftFrom !== undefined && timestamp >= options.driftFrom
      const newFrom = options.newValueFrom ?? options.driftFrom
      const newValue = newFrom !== undefined && timestamp >= newFrom
      const rows =
        options.rowsFrom !== undefined && timestamp >= options.rowsFrom.time
          ? options.rowsFrom.rows
          : (options.rows ?? 200)
      if (rows === 0) continue
      for (const segment of options.segments) {
        for (const replica of options.replicas) {
          const profile = new DatasetProfile({ datasetTimestamp: timestamp, creationTimestamp: timestamp })
          profile.trackColumns(loanColumns(seed++, rows, drifted, segment.replace(/^.*=/, ""), newValue))
          const key = profileKey({ datasetId, timestamp, segment, replica, id: `p${seed}` })
          await Effect.runPromise(store.put(key, profile.view().serialize()))
          written++
        }
      }
    }
  }
  return written
}
