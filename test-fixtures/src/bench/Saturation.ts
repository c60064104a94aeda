import autocannon from "autocannon"

/** One route of a bench: what autocannon sends. */
export interface BenchRequest {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly body?: string
  readonly headers?: Readonly<Record<string, string>>
}

/** What one autocannon run measured. */
export interface Saturation {
  /** Requests a second, the mean over the run. */
  readonly rps: number
  /** Latency percentiles, ms (autocannon's resolution is 1 ms). */
  readonly p50: number
  readonly p99: number
  /** Connection errors and non-2xx answers. */
  readonly errors: number
  /** Requests answered over the run, to divide a CPU time by. */
  readonly requests: number
}

/** Loads `origin` + `request.path` with autocannon over `connections` for `seconds` (throughput at saturation). */
export const saturate = async (
  origin: string,
  request: BenchRequest,
  seconds: number,
  connections: number,
): Promise<Saturation> => {
  const result = await autocannon({
    url: origin + request.path,
    method: request.method,
    connections,
    duration: seconds,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.headers === undefined ? {} : { headers: { ...request.headers } }),
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    requests: result.requests.total,
  }
}
