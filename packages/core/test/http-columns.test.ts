import { describe, expect, it } from "vitest"
import {
  createHttpRowMapper,
  HttpColumn,
  type HttpExchange,
  type HttpRow,
  type HttpRowOptions,
  toRow,
} from "../src/http/index.js"

const rowOf = (exchange: HttpExchange, options?: HttpRowOptions): HttpRow => {
  const result = createHttpRowMapper(options).map(exchange)
  if (result._tag !== "Row") throw new Error(`expected a row, got ${result.reason}`)
  return result.row
}

/** The row as a plain object, for whole-row comparisons (the row itself has no prototype). */
const plain = (row: HttpRow): Record<string, unknown> => ({ ...row })

const requestHeaders = {
  host: "127.0.0.1:3000",
  "user-agent": "curl/8.5.0",
  accept: "*/*",
  "x-request-id": "r-1",
}

describe("HTTP row columns for representative exchanges", () => {
  it("maps a GET with route params and a query to every fixed column", () => {
    const row = rowOf({
      method: "GET",
      route: "/users/:id",
      path: "/users/42?expand=orders&limit=10",
      status: 200,
      durationMs: 12.5,
      request: { headers: requestHeaders },
      response: {
        headers: { "content-type": "application/json; charset=utf-8", "content-length": "27" },
        body: { id: 42, name: "Ada", active: true },
      },
      query: { expand: "orders", limit: "10" },
    })
    expect(plain(row)).toEqual({
      "http.method": "GET",
      "http.route": "/users/:id",
      "http.status": 200,
      "http.status_class": "2xx",
      "http.duration_ms": 12.5,
      "http.aborted": false,
      "http.error": null,
      "http.request.size": null,
      "http.request.content_type": null,
      "http.request.header_count": 4,
      // each line counts `name: value\r\n`
      "http.request.headers_size": 4 + 14 + 4 + (10 + 10 + 4) + (6 + 3 + 4) + (12 + 3 + 4),
      "http.request.body_fields": null,
      "http.request.body_truncated": null,
      "http.request.headers.authorization.present": false,
      "http.request.headers.cookie.present": false,
      "http.request.headers.user-agent.present": true,
      "http.request.headers.x-forwarded-for.present": false,
      "http.request.headers.x-request-id.present": true,
      "http.response.size": 27,
      "http.response.content_type": "application/json",
      "http.response.header_count": 2,
      "http.response.headers_size": 12 + 31 + 4 + 14 + 2 + 4,
      "http.response.body_fields": 3,
      "http.response.body_truncated": false,
      "http.response.headers.set-cookie.present": false,
      "http.response.headers.cache-control.present": false,
      "http.query.key_count": 2,
      "http.query.keys": "expand,limit",
      "response.body.id": 42,
      "response.body.name": "Ada",
      "response.body.active": true,
    })
    // The raw path never reaches the row, not even as a value.
    expect(JSON.stringify(plain(row))).not.toContain("/users/42")
  })

  it("writes every documented fixed column, and builds the row without a prototype", () => {
    const row = rowOf({ method: "GET", route: "/", status: 204, durationMs: 1 })
    for (const column of Object.values(HttpColumn)) expect(Object.hasOwn(row, column)).toBe(true)
    expect(Object.getPrototypeOf(row)).toBeNull()
  })

  it("maps a POST with a JSON body, flattening nested fields and summarising arrays", () => {
    const row = rowOf({
      method: "post",
      route: "/v1/score",
      status: 201,
      durationMs: 3,
      request: {
        headers: { "content-type": "application/json", "content-length": "160" },
        body: {
          age: 41,
          income: 72000.5,
          employed: true,
          notes: null,
          address: { zip: "94107", geo: { lat: 37.7, lon: -122.4 } },
          tags: ["a", "b", "c"],
          embedding: [0.1, 0.2, 0.3, 0.4],
          items: [
            { sku: "x1", qty: 2 },
            { sku: "x2", qty: 1 },
          ],
        },
      },
      response: { contentType: "application/json", size: 30, body: { score: 0.83, decision: "approve" } },
    })
    expect(row["http.method"]).toBe("POST")
    expect(row["http.request.size"]).toBe(160)
    expect(row["http.request.content_type"]).toBe("application/json")
    const bodyColumns = Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith("http.")))
    expect(bodyColumns).toEqual({
      "request.body.age": 41,
      "request.body.income": 72000.5,
      "request.body.employed": true,
      "request.body.notes": null,
      "request.body.address.zip": "94107",
      "request.body.address.geo.lat": 37.7,
      "request.body.address.geo.lon": -122.4,
      "request.body.tags.length": 3,
      "request.body.embedding.length": 4,
      "request.body.items.length": 2,
      // arrays of objects: the first item only (limits.arrayItems = 1)
      "request.body.items.0.sku": "x1",
      "request.body.items.0.qty": 2,
      "response.body.score": 0.83,
      "response.body.decision": "approve",
    })
    expect(row["http.request.body_fields"]).toBe(12)
    expect(row["http.request.body_truncated"]).toBe(false)
    expect(row["http.response.body_fields"]).toBe(2)
  })

  it("names a 404 without a route (unmatched), and any other routeless answer (unrouted)", () => {
    const notFound = rowOf({
      method: "GET",
      path: "/users/8f14e45f-ceea-467f-a0f2",
      status: 404,
      durationMs: 0.4,
    })
    expect(notFound["http.route"]).toBe("(unmatched)")
    expect(notFound["http.status_class"]).toBe("4xx")
    expect(JSON.stringify(plain(notFound))).not.toContain("8f14e45f")
    const rejected = rowOf({ method: "POST", path: "/admin", status: 401, durationMs: 0.2 })
    expect(rejected["http.route"]).toBe("(unrouted)")
    // a matched route that answers 404 keeps its template
    expect(rowOf({ method: "GET", route: "/users/:id", status: 404, durationMs: 1 })["http.route"]).toBe(
      "/users/:id",
    )
  })

  it("records a 500's error class name and never its message", () => {
    class PaymentDeclinedError extends Error {}
    const row = rowOf({
      method: "POST",
      route: "/pay",
      status: 500,
      durationMs: 8,
      error: new PaymentDeclinedError("card 4111-1111-1111-1111 declined"),
    })
    expect(row["http.error"]).toBe("PaymentDeclinedError")
    expect(row["http.status_class"]).toBe("5xx")
    expect(JSON.stringify(plain(row))).not.toContain("4111")
  })

  it("names thrown non-errors by type, and errors whose class has no usable name as anonymous", () => {
    const errorOf = (error: unknown) =>
      rowOf({ method: "GET", route: "/", status: 500, durationMs: 1, error })
    expect(errorOf("secret-string")["http.error"]).toBe("(string)")
    expect(errorOf(42)["http.error"]).toBe("(number)")
    expect(errorOf(Object.create(null))["http.error"]).toBe("(anonymous)")
    const renamed = new Error("x")
    renamed.name = "token=abc" // `name` can be set to anything; the constructor's name is used instead
    expect(errorOf(renamed)["http.error"]).toBe("Error")
    expect(errorOf(undefined)["http.error"]).toBeNull()
  })

  it("counts an aborted request with what is known", () => {
    const row = rowOf({
      method: "POST",
      route: "/upload",
      status: 200,
      durationMs: 250,
      aborted: true,
      request: { headers: { "content-length": "1048576", "content-type": "application/octet-stream" } },
    })
    expect(row["http.aborted"]).toBe(true)
    expect(row["http.request.size"]).toBe(1048576)
    expect(row["http.response.size"]).toBeNull()
    expect(row["http.response.header_count"]).toBeNull()
  })

  it("counts non-JSON and binary bodies by size and content type only", () => {
    const text = rowOf({
      method: "POST",
      route: "/notes",
      status: 200,
      durationMs: 1,
      request: { contentType: "text/plain", size: 11, body: "hello world" },
      response: { contentType: "text/html; charset=utf-8", body: "<p>password: hunter2</p>" },
    })
    const binary = rowOf({
      method: "PUT",
      route: "/files/:id",
      status: 200,
      durationMs: 1,
      request: { contentType: "application/octet-stream", size: 4, body: new Uint8Array([1, 2, 3, 4]) },
      response: { body: Buffer.from("raw bytes") },
    })
    for (const row of [text, binary]) {
      expect(Object.keys(row).filter((k) => !k.startsWith("http."))).toEqual([])
      expect(row["http.request.body_fields"]).toBeNull()
    }
    expect(text["http.request.content_type"]).toBe("text/plain")
    expect(text["http.request.size"]).toBe(11)
    expect(text["http.response.content_type"]).toBe("text/html")
    expect(JSON.stringify(plain(text))).not.toContain("hunter2")
    expect(binary["http.request.size"]).toBe(4)
    expect(binary["http.request.content_type"]).toBe("application/octet-stream")
  })

  it("does not walk a form body, even parsed into an object (it is as sensitive as a query)", () => {
    const row = rowOf({
      method: "POST",
      route: "/login",
      status: 302,
      durationMs: 1,
      request: { contentType: "application/x-www-form-urlencoded", body: { user: "ada", remember: "1" } },
    })
    expect(row["request.body.user"]).toBeUndefined()
    expect(row["http.request.body_fields"]).toBeNull()
  })

  it("walks a JSON body that has no content type (the framework parsed it), but not a raw string", () => {
    const parsed = rowOf({
      method: "POST",
      route: "/",
      status: 200,
      durationMs: 1,
      request: { body: { a: 1 } },
    })
    expect(parsed["request.body.a"]).toBe(1)
    const raw = rowOf({
      method: "POST",
      route: "/",
      status: 200,
      durationMs: 1,
      request: { body: '{"a":1}' },
    })
    expect(raw["request.body.a"]).toBeUndefined()
    expect(raw["request.body"]).toBeUndefined()
  })

  it("takes a top-level JSON number or boolean as the body column itself", () => {
    const row = rowOf({
      method: "GET",
      route: "/count",
      status: 200,
      durationMs: 1,
      response: { contentType: "application/json", body: 17 },
    })
    expect(row["response.body"]).toBe(17)
    expect(row["http.response.body_fields"]).toBe(1)
  })

  it("does not walk a body whose known size is over maxBodyBytes, and flags it", () => {
    const huge = { blob: "x".repeat(1000) }
    const row = rowOf({
      method: "POST",
      route: "/ingest",
      status: 200,
      durationMs: 1,
      request: { contentType: "application/json", size: 10 * 1024 * 1024, body: huge },
    })
    expect(row["request.body.blob"]).toBeUndefined()
    expect(row["http.request.body_fields"]).toBe(0)
    expect(row["http.request.body_truncated"]).toBe(true)
    expect(row["http.request.size"]).toBe(10 * 1024 * 1024)
  })

  it("bounds a huge parsed body of unknown size by the field and string limits", () => {
    const body: Record<string, string> = {}
    for (let i = 0; i < 20_000; i++) body[`f${i}`] = "v".repeat(500)
    const row = rowOf({ method: "POST", route: "/bulk", status: 200, durationMs: 1, request: { body } })
    const fields = Object.keys(row).filter((k) => k.startsWith("request.body."))
    // 8192 characters of strings at 256 each: 32 fields, then the character budget stops the rest
    expect(fields.length).toBe(32)
    expect(fields.every((k) => (row[k] as string).length === 256)).toBe(true)
    expect(row["http.request.body_truncated"]).toBe(true)
  })

  it("accepts web Headers and URLSearchParams as Next.js hands them over", () => {
    const row = rowOf({
      method: "GET",
      route: "/api/items/[id]",
      status: 200,
      durationMs: 2,
      request: { headers: new Headers({ Authorization: "Bearer abc", "Content-Type": "application/json" }) },
      response: { headers: new Headers({ "Set-Cookie": "sid=1" }) },
      query: new URLSearchParams("tag=a&tag=b&page=2"),
    })
    expect(row["http.request.header_count"]).toBe(2)
    expect(row["http.request.headers.authorization.present"]).toBe(true)
    expect(row["http.request.content_type"]).toBe("application/json")
    expect(row["http.response.headers.set-cookie.present"]).toBe(true)
    expect(row["http.query.key_count"]).toBe(2)
    expect(row["http.query.keys"]).toBe("page,tag")
  })

  it("counts array header values line by line, as they go on the wire", () => {
    const row = rowOf({
      method: "GET",
      route: "/",
      status: 200,
      durationMs: 1,
      response: { headers: { "set-cookie": ["a=1", "b=2"], "content-length": 0 } },
    })
    expect(row["http.response.header_count"]).toBe(3)
    expect(row["http.response.headers_size"]).toBe(2 * (10 + 3 + 4) + (14 + 1 + 4))
    expect(row["http.response.size"]).toBe(0)
  })

  it("puts invalid method, status, duration and content type into bounded values", () => {
    const row = rowOf({
      method: "BREW",
      route: "/coffee",
      status: 999,
      durationMs: -1,
      request: { contentType: "not a media type, password=hunter2" },
      response: { contentType: "APPLICATION/Problem+JSON; charset=utf-8" },
    })
    expect(row["http.method"]).toBe("(other)")
    expect(row["http.status"]).toBeNull()
    expect(row["http.status_class"]).toBeNull()
    expect(row["http.duration_ms"]).toBeNull()
    expect(row["http.request.content_type"]).toBe("(invalid)")
    expect(row["http.response.content_type"]).toBe("application/problem+json")
  })

  it("returns the exchange's timestamp, or the mapping time when it has none", () => {
    const at = createHttpRowMapper().map({
      method: "GET",
      route: "/",
      status: 200,
      durationMs: 1,
      timestamp: new Date("2024-05-01T10:00:00Z"),
    })
    expect(at._tag === "Row" && at.timestamp).toBe(Date.parse("2024-05-01T10:00:00Z"))
    const before = Date.now()
    const now = toRow({ method: "GET", route: "/", status: 200, durationMs: 1 })
    expect(now._tag === "Row" && now.timestamp >= before && now.timestamp <= Date.now()).toBe(true)
  })
})
