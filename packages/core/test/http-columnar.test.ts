import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ColumnRowsBuilder } from "../src/http/ColumnRowsBuilder.js"
import { createColumnarHttpRowMapper, createHttpRowMapper } from "../src/http/HttpRowMapper.js"
import type { HttpExchange, HttpRowOptions } from "../src/http/index.js"
import { DatasetProfile } from "../src/index.js"
import { withSeededMathRandom } from "./seededMathRandom.js"

const T0 = Date.UTC(2024, 0, 1)

/** Runs `f` with Math.random (the KLL coin's seed) replaced by a fixed sequence. */
const seeded = <A>(f: () => A): A => withSeededMathRandom(0x1234567, f)

/**
 * The profiles, by segment key, of `exchanges` mapped row by row and tracked with `track`, against
 * the same exchanges mapped into column builders and tracked with `trackColumns`, with the skips of
 * each path.
 */
const bothPaths = (exchanges: ReadonlyArray<HttpExchange>, options: HttpRowOptions) => {
  const rowMapper = createHttpRowMapper(options)
  const rowProfiles = new Map<string, DatasetProfile>()
  const rowSkips: Array<string> = []
  const rows = seeded(() => {
    for (const exchange of exchanges) {
      const result = rowMapper.map(exchange)
      if (result._tag === "Skipped") {
        rowSkips.push(result.reason)
        continue
      }
      const key = `${result.datasetId}|${JSON.stringify(Object.values(result.segment))}`
      let profile = rowProfiles.get(key)
      if (profile === undefined) {
        profile = new DatasetProfile({ datasetTimestamp: T0, creationTimestamp: T0 })
        rowProfiles.set(key, profile)
      }
      profile.track(result.row)
    }
    return new Map([...rowProfiles].map(([k, p]) => [k, p.view().serialize()]))
  })
  const columnMapper = createColumnarHttpRowMapper(options)
  const builders = new Map<string, ColumnRowsBuilder>()
  const columnSkips: Array<string> = []
  const columns = seeded(() => {
    for (const exchange of exchanges) {
      const result = columnMapper.mapColumns(exchange, (datasetId, segment) => {
        const key = `${datasetId}|${JSON.stringify(segment)}`
        let builder = builders.get(key)
        if (builder === undefined) {
          builder = new ColumnRowsBuilder(columnMapper.fixedColumns)
          builders.set(key, builder)
        }
        return builder
      })
      if (result._tag === "Skipped") columnSkips.push(result.reason)
    }
    const out = new Map<string, Uint8Array>()
    for (const [key, builder] of builders) {
      if (builder.count === 0) continue
      const profile = new DatasetProfile({ datasetTimestamp: T0, creationTimestamp: T0 })
      profile.trackColumns(Object.fromEntries(builder.keys.map((k, i) => [k, builder.columns[i]!])))
      out.set(key, profile.view().serialize())
      // Every fixed column has one cell per exchange.
      for (let i = 0; i < columnMapper.fixedColumns.length; i++)
        expect(builder.columns[i]!.length).toBe(builder.count)
    }
    return out
  })
  return { rows, columns, rowSkips, columnSkips }
}

const leaf = fc.oneof(
  fc.constantFrom(0, -0, 1, 7, 404, 2.5, Number.NaN, Number.POSITIVE_INFINITY, true, false, null, "", "x"),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
)
/** Keys that collide: "a.b" and {a: {b}} share a column, as do an array's "length" and a "length" key. */
const key = fc.constantFrom(
  "a",
  "b",
  "a.b",
  "length",
  "0",
  "password",
  "token_count",
  "user",
  "x.y.z",
  "__proto__",
)
const body = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.dictionary(key, tie("node"), { maxKeys: 5 }),
    fc.array(tie("node"), { maxLength: 3 }),
  ),
})).node

const exchange = fc.record({
  method: fc.constantFrom("GET", "POST", "put", "BREW"),
  route: fc.constantFrom("/a", "/b/:id", undefined, ""),
  status: fc.constantFrom(200, 201, 404, 500, 99, 200.5),
  durationMs: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant(-1)),
  timestamp: fc.constant(T0 + 5),
  error: fc.constantFrom(undefined, new TypeError("x"), "thrown text"),
  aborted: fc.boolean(),
  request: fc.record({
    headers: fc.constantFrom(
      undefined,
      { "content-type": "application/json", authorization: "Bearer s", "content-length": "12" },
      { "user-agent": "ua", "x-request-id": ["1", "2"] },
    ),
    body: fc.oneof(body, fc.constant(undefined)),
  }),
  response: fc.record({
    headers: fc.constantFrom(undefined, {
      "content-type": "application/json; charset=utf-8",
      "set-cookie": ["a"],
    }),
    body: fc.oneof(body, fc.constant(undefined)),
    size: fc.constantFrom(undefined, 10, 2_000_000),
  }),
  query: fc.oneof(
    fc.constant(undefined),
    fc.dictionary(key, fc.oneof(fc.string({ maxLength: 5 }), fc.array(fc.string({ maxLength: 3 }))), {
      maxKeys: 4,
    }),
    fc.constantFrom(new URLSearchParams("a=1&a=2&b=3"), new URLSearchParams("")),
  ),
}) as fc.Arbitrary<HttpExchange>

describe("columnar mapping (core's HTTP profiler path)", () => {
  it("gives every segment's profile byte for byte what mapping rows and tracking them gives", () => {
    fc.assert(
      fc.property(
        fc.array(exchange, { minLength: 1, maxLength: 25 }),
        fc.boolean(),
        (exchanges, queryValues) => {
          const options: HttpRowOptions = {
            queryValues,
            limits: { maxFields: 12, maxDepth: 3, maxBodyChars: 60, maxStringLength: 8, arrayItems: 2 },
          }
          const { rows, columns, rowSkips, columnSkips } = bothPaths(exchanges, options)
          expect(columnSkips).toEqual(rowSkips)
          expect([...columns.keys()].sort()).toEqual([...rows.keys()].sort())
          for (const [k, bytes] of rows) expect(columns.get(k)).toEqual(bytes)
        },
      ),
      { numRuns: 50 },
    )
  })

  it("keeps the last value of a field written twice in one exchange, as a row's property does", () => {
    const e: HttpExchange = {
      method: "POST",
      route: "/r",
      status: 200,
      durationMs: 1,
      request: { body: { "a.b": 1, a: { b: 2 } } },
    }
    const mapper = createColumnarHttpRowMapper()
    const builder = new ColumnRowsBuilder(mapper.fixedColumns)
    mapper.mapColumns(e, () => builder)
    mapper.mapColumns(e, () => builder)
    const at = builder.keys.indexOf("request.body.a.b")
    expect(builder.columns[at]).toEqual([2, 2])
    const row = createHttpRowMapper().map(e)
    expect(row._tag === "Row" && row.row["request.body.a.b"]).toBe(2)
  })

  it("leaves no cell behind for an exchange whose getters throw, and the options' ignore and exclusions apply", () => {
    const hostile = {
      method: "GET",
      status: 200,
      durationMs: 1,
      get request(): never {
        throw new Error("no")
      },
    } as unknown as HttpExchange
    const options: HttpRowOptions = {
      ignore: (x) => x.path === "/health",
      exclude: ["http.error", "request.body.secret_stuff.**"],
    }
    const { rows, columns, rowSkips, columnSkips } = bothPaths(
      [
        hostile,
        { method: "GET", path: "/health", status: 200, durationMs: 1 },
        {
          method: "POST",
          route: "/x",
          status: 200,
          durationMs: 1,
          request: { body: { secret_stuff: { a: 1 }, ok: 1 } },
        },
      ],
      options,
    )
    expect(rowSkips).toEqual(["unreadable-exchange", "ignored"])
    expect(columnSkips).toEqual(rowSkips)
    expect([...columns.entries()]).toEqual([...rows.entries()])
  })
})
