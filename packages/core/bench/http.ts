// Per-exchange cost of the HTTP row mapping, the work every auto-profiled request pays.
// Run: pnpm exec tsx --conditions=@sketchlog/source packages/core/bench/http.ts
import { createHttpRowMapper, type HttpExchange, type HttpRowOptions, toRow } from "../src/http/index.js"

const requestHeaders = {
  host: "127.0.0.1:3000",
  "user-agent": "autocannon/7.15.0",
  accept: "application/json",
  "accept-encoding": "gzip, deflate",
  "content-type": "application/json",
  "content-length": "612",
  authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.secret",
  "x-request-id": "7d0f3c1e-5a1b-4c1e-9b7a-2f1e0c3d4b5a",
  connection: "keep-alive",
}
const responseHeaders = {
  "x-powered-by": "Express",
  "content-type": "application/json; charset=utf-8",
  "content-length": "74",
  etag: 'W/"4a-abc"',
}

/** A loan-scoring style request: 20 typed fields, two of them nested. */
const body20 = () => ({
  applicant_id: "a-10293",
  age: 41,
  income: 72000.5,
  employment_years: 7,
  loan_amount: 25000,
  loan_term_months: 60,
  credit_score: 712,
  debt_to_income: 0.31,
  open_accounts: 5,
  delinquencies: 0,
  home_ownership: "MORTGAGE",
  purpose: "debt_consolidation",
  state: "CA",
  has_cosigner: false,
  verified_income: true,
  revolving_util: 0.42,
  inquiries_6m: 1,
  channel: "web",
  address: { zip: "94107", years_at_address: 3 },
})
const response = { score: 0.83, decision: "approve", confidence: 0.91, model_version: "2024-06-01" }

const exchange = (i: number): HttpExchange => ({
  method: "POST",
  route: "/v1/score",
  status: 200,
  durationMs: 1.2 + (i % 7) * 0.1,
  timestamp: 1_700_000_000_000 + i,
  request: { headers: requestHeaders, size: 612, body: body20() },
  response: { headers: responseHeaders, size: 74, body: response },
  query: { explain: "false" },
})

const bare = (i: number): HttpExchange => ({
  method: "GET",
  route: "/health",
  status: 200,
  durationMs: 0.3,
  timestamp: 1_700_000_000_000 + i,
  request: { headers: requestHeaders },
  response: { headers: responseHeaders, size: 2 },
})

const measure = (label: string, make: (i: number) => HttpExchange, options?: HttpRowOptions): void => {
  const mapper = createHttpRowMapper(options)
  const N = 2048
  const inputs = Array.from({ length: N }, (_, i) => make(i)) // built outside the timed loop
  let sink = 0
  for (let i = 0; i < 200_000; i++) {
    const r = mapper.map(inputs[i % N]!)
    if (r._tag === "Row") sink++
  }
  const rounds: Array<number> = []
  for (let round = 0; round < 7; round++) {
    const iterations = 200_000
    const start = process.hrtime.bigint()
    for (let i = 0; i < iterations; i++) {
      const r = mapper.map(inputs[i % N]!)
      if (r._tag === "Row") sink++
    }
    rounds.push(Number(process.hrtime.bigint() - start) / iterations)
  }
  rounds.sort((a, b) => a - b)
  const sample = mapper.map(inputs[0]!)
  const columns = sample._tag === "Row" ? Object.keys(sample.row).length : 0
  console.log(
    `${label.padEnd(48)} median ${(rounds[3]! / 1000).toFixed(2)} µs   best ${(rounds[0]! / 1000).toFixed(2)} µs   columns ${columns}   (${sink > 0 ? "ok" : "?"})`,
  )
}

console.log(`node ${process.version}, ${process.arch}; µs per exchange (7 rounds × 200k, median and best)`)
measure("POST, 20-field JSON body + 4-field response", exchange)
measure("  same, sampleRate 0.1 (90% skipped)", exchange, { sampleRate: 0.1 })
measure("  same, include request.body.** only", exchange, { include: ["request.body.**"] })
measure("GET, no bodies", bare)
// toRow with one options object reuses its mapper; this shows the lookup is not a hidden cost.
const options: HttpRowOptions = {}
const t0 = process.hrtime.bigint()
for (let i = 0; i < 200_000; i++) toRow(exchange(i), options)
console.log(
  `${"toRow(), exchange built inside the loop".padEnd(48)} ${(Number(process.hrtime.bigint() - t0) / 200_000 / 1000).toFixed(2)} µs`,
)
