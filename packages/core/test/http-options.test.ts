import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import {
  createHttpRowMapper,
  type HttpExchange,
  HttpOptionsError,
  type HttpRowMapped,
  type HttpRowOptions,
  makeHttpRowMapper,
  toRow,
} from "../src/http/index.js"
import { SegmentedDatasetProfile } from "../src/profile/index.js"

const exchange = (over: Partial<HttpExchange> = {}): HttpExchange => ({
  method: "POST",
  route: "/v1/score",
  status: 200,
  durationMs: 2,
  request: {
    contentType: "application/json",
    body: { user: { name: "ada", age: 41, card_number: "4111" }, amount: 12.5, meta: { trace: "t" } },
  },
  response: { contentType: "application/json", body: { score: 0.9 } },
  ...over,
})

const mapped = (options: HttpRowOptions, ex: HttpExchange = exchange()): HttpRowMapped => {
  const result = createHttpRowMapper(options).map(ex)
  if (result._tag !== "Row") throw new Error(`expected a row, got ${result.reason}`)
  return result
}

const fieldColumns = (options: HttpRowOptions): Array<string> =>
  Object.keys(mapped(options).row)
    .filter((k) => !k.startsWith("http."))
    .sort()

const optionError = (options: unknown): HttpOptionsError => {
  try {
    createHttpRowMapper(options as HttpRowOptions)
  } catch (error) {
    if (error instanceof HttpOptionsError) return error
    throw error
  }
  throw new Error("expected an HttpOptionsError")
}

describe("HTTP mapping options", () => {
  it("include keeps only matching field columns, and the fixed columns", () => {
    expect(fieldColumns({ include: ["request.body.user.*"] })).toEqual([
      "request.body.user.age",
      "request.body.user.card_number",
      "request.body.user.name",
    ])
    expect(fieldColumns({ include: "response.body.**" })).toEqual(["response.body.score"])
    expect(fieldColumns({ include: [/\.amount$/] })).toEqual(["request.body.amount"])
    // including a path includes everything below it
    expect(fieldColumns({ include: ["request.body.meta"] })).toEqual(["request.body.meta.trace"])
    expect(mapped({ include: ["nothing.matches"] }).row["http.route"]).toBe("/v1/score")
  })

  it("exclude drops matching columns and everything below them, fixed columns included", () => {
    expect(fieldColumns({ exclude: ["request.body.user", "**.score"] })).toEqual([
      "request.body.amount",
      "request.body.meta.trace",
    ])
    const row = mapped({ exclude: ["http.*.headers.*.present", "http.duration_ms"] }).row
    expect(row["http.duration_ms"]).toBeUndefined()
    expect(Object.keys(row).some((k) => k.endsWith(".present"))).toBe(false)
    expect(row["http.status"]).toBe(200)
    expect(fieldColumns({ exclude: ["request.body"] })).toEqual(["response.body.score"])
    // exclude wins over include
    expect(fieldColumns({ include: ["request.body.**"], exclude: ["**.card_number"] })).toEqual([
      "request.body.amount",
      "request.body.meta.trace",
      "request.body.user.age",
      "request.body.user.name",
    ])
  })

  it("ignore skips exchanges, seeing the raw path", () => {
    const mapper = createHttpRowMapper({ ignore: (e) => e.path === "/healthz" })
    expect(mapper.map(exchange({ route: undefined, path: "/healthz" }))).toEqual({
      _tag: "Skipped",
      reason: "ignored",
    })
    expect(mapper.map(exchange())._tag).toBe("Row")
  })

  it("reports a throwing callback as a skip with its cause, not a throw", () => {
    const boom = new Error("boom")
    const ignoring = createHttpRowMapper({
      ignore: () => {
        throw boom
      },
    })
    expect(ignoring.map(exchange())).toEqual({ _tag: "Skipped", reason: "callback-failed", cause: boom })
    const naming = createHttpRowMapper({ datasetId: () => "" })
    const result = naming.map(exchange())
    expect(result._tag === "Skipped" && result.reason).toBe("callback-failed")
  })

  it("samples deterministically with an injected random source", () => {
    const draws = [0.05, 0.5, 0.24, 0.25, 0.99, 0.1]
    let i = 0
    const mapper = createHttpRowMapper({ sampleRate: 0.25, random: () => draws[i++]! })
    const outcomes = draws.map(() => mapper.map(exchange())._tag)
    expect(outcomes).toEqual(["Row", "Skipped", "Row", "Skipped", "Skipped", "Row"])
    const none = createHttpRowMapper({ sampleRate: 0, random: () => 0 })
    expect(none.map(exchange())).toEqual({ _tag: "Skipped", reason: "sampled-out" })
  })

  it("keeps about sampleRate of the exchanges with the default random source", () => {
    const mapper = createHttpRowMapper({ sampleRate: 0.3 })
    let kept = 0
    for (let n = 0; n < 10_000; n++) if (mapper.map(exchange())._tag === "Row") kept++
    // 10 000 Bernoulli(0.3) draws: the standard deviation is 46, so ±300 is over 6 sigma
    expect(Math.abs(kept - 3000)).toBeLessThan(300)
  })

  it("chooses the dataset per exchange, or fixed, or leaves it to the adapter", () => {
    const perRoute = createHttpRowMapper({
      datasetId: (e) => (e.route?.startsWith("/admin") ? "admin-traffic" : undefined),
    })
    const admin = perRoute.map(exchange({ route: "/admin/users" }))
    const other = perRoute.map(exchange())
    expect(admin._tag === "Row" && admin.datasetId).toBe("admin-traffic")
    expect(other._tag === "Row" && other.datasetId).toBeUndefined()
    expect(mapped({ datasetId: "model-1" }).datasetId).toBe("model-1")
    expect(mapped({}).datasetId).toBeUndefined()
  })

  it("returns the segment key: route and method by default, or what segmentOn names", () => {
    expect({ ...mapped({}).segment }).toEqual({ "http.route": "/v1/score", "http.method": "POST" })
    const byClass = mapped({ segmentOn: ["route", "status_class", "error"] }, exchange({ status: 503 }))
    expect({ ...byClass.segment }).toEqual({
      "http.route": "/v1/score",
      "http.status_class": "5xx",
      "http.error": "None",
    })
    expect(Object.keys(byClass.segment)).toEqual(["http.route", "http.status_class", "http.error"])
    const byStatus = mapped({ segmentOn: ["status", "aborted"] }, exchange({ status: 404, aborted: true }))
    expect({ ...byStatus.segment }).toEqual({ "http.status": "404", "http.aborted": "True" })
    expect({ ...mapped({ segmentOn: [] }).segment }).toEqual({})
  })

  it("gives the same segment key as the segmented profile the row goes into", () => {
    const result = mapped({ segmentOn: ["route", "method", "aborted"] }, exchange({ aborted: false }))
    const profile = new SegmentedDatasetProfile({ segmentOn: Object.keys(result.segment) })
    profile.track(result.row)
    const [view] = profile.views()
    const segment = view!.segment!
    expect(Object.fromEntries(segment.columns.map((c, i) => [c, segment.values[i]]))).toEqual({
      ...result.segment,
    })
  })

  it("rejects bad options with a typed error naming the option, never echoing its value", () => {
    const cases: Array<[unknown, string]> = [
      [{ sampleRate: 1.5 }, "sampleRate"],
      [{ sampleRate: Number.NaN }, "sampleRate"],
      [{ sampleRate: "0.5" }, "sampleRate"],
      [{ random: 0.5 }, "random"],
      [{ ignore: "/health" }, "ignore"],
      [{ datasetId: "" }, "datasetId"],
      [{ datasetId: 7 }, "datasetId"],
      [{ segmentOn: ["request.body.user_id"] }, "segmentOn[0]"],
      [{ segmentOn: ["route", "http.route"] }, "segmentOn[1]"],
      [{ segmentOn: "route" }, "segmentOn"],
      [{ segmentOn: ["route"], exclude: ["http.route"] }, "segmentOn"],
      [{ include: [42] }, "include[0]"],
      [{ exclude: "a..b" }, "exclude"],
      [{ redact: "password" }, "redact"],
      [{ alsoRedact: ["--"] }, "alsoRedact[0]"],
      [{ requestHeaders: ["bad header"] }, "requestHeaders[0]"],
      [{ responseHeaders: ["etag", "ETag"] }, "responseHeaders[1]"],
      [{ queryValues: "yes" }, "queryValues"],
      [{ limits: { maxDepth: 0 } }, "limits.maxDepth"],
      [{ limits: { maxFields: 2.5 } }, "limits.maxFields"],
      [{ limits: { arrayItems: 1000 } }, "limits.arrayItems"],
      [{ limits: { maxBodyBytes: -1 } }, "limits.maxBodyBytes"],
      [{ limits: { depth: 3 } }, "limits.depth"],
      [{ limits: 5 }, "limits"],
      [{ sampleRatio: 0.5 }, "sampleRatio"],
      ["fast", "options"],
    ]
    for (const [options, option] of cases) {
      const error = optionError(options)
      expect(error._tag).toBe("HttpOptionsError")
      expect(error.option).toBe(option)
      expect(error.message.length).toBeGreaterThan(0)
    }
    expect(optionError({ datasetId: 12345 }).message).not.toContain("12345")
  })

  it("offers the same validation as an Effect", () => {
    const bad = Effect.runSync(Effect.either(makeHttpRowMapper({ sampleRate: 2 })))
    expect(Either.isLeft(bad) && bad.left.option).toBe("sampleRate")
    const good = Effect.runSync(makeHttpRowMapper({ sampleRate: 1 }))
    expect(good.map(exchange())._tag).toBe("Row")
  })

  it("toRow validates once per options object and keeps its learned paths", () => {
    const options: HttpRowOptions = { limits: { maxColumnsPerRoute: 1 } }
    const first = toRow(exchange({ request: { body: { a: 1 } } }), options)
    const second = toRow(exchange({ request: { body: { b: 1 } } }), options)
    expect(first._tag === "Row" && first.row["request.body.a"]).toBe(1)
    // same mapper: the one-column budget is already spent on `a`
    expect(second._tag === "Row" && second.row["request.body.b"]).toBeUndefined()
    expect(() => toRow(exchange(), { sampleRate: -1 })).toThrow(HttpOptionsError)
  })
})
