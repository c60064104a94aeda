import { describe, expect, it } from "vitest"
import { readJsonBody, webExchange } from "../src/capture/WebExchange.js"
import { createHttpRowMapper } from "../src/http/index.js"

const jsonRequest = (body: string, headers: Record<string, string> = {}) =>
  new Request("http://127.0.0.1:3000/api/items/42?token=t0p-s3cret&page=2", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer planted-secret", ...headers },
    body,
  })

describe("webExchange", () => {
  it("builds an exchange core maps to a row without the raw path, query values or header values", async () => {
    const request = jsonRequest('{"name":"ada","password":"hunter2","age":41}')
    const requestBody = await readJsonBody(request)
    const response = Response.json({ id: 42, ok: true }, { status: 201 })
    const responseBody = await readJsonBody(response)
    const exchange = webExchange({
      request,
      response,
      route: "/api/items/[id]",
      startedAt: Date.UTC(2025, 0, 1),
      durationMs: 3.5,
      requestBody: requestBody?.value,
      requestSize: requestBody?.bytes,
      responseBody: responseBody?.value,
      responseSize: responseBody?.bytes,
    })
    expect(exchange.path).toBe("/api/items/42")
    expect(exchange.status).toBe(201)
    const result = createHttpRowMapper().map(exchange)
    if (result._tag !== "Row") throw new Error(result.reason)
    expect(result.timestamp).toBe(Date.UTC(2025, 0, 1))
    expect(result.row["http.route"]).toBe("/api/items/[id]")
    expect(result.row["http.method"]).toBe("POST")
    expect(result.row["http.status"]).toBe(201)
    expect(result.row["http.request.size"]).toBe(44)
    expect(result.row["http.response.size"]).toBe(19)
    expect(result.row["request.body.name"]).toBe("ada")
    expect(result.row["request.body.age"]).toBe(41)
    expect(result.row["response.body.id"]).toBe(42)
    expect(result.row["http.query.keys"]).toBe("page")
    expect(result.row["http.request.headers.authorization.present"]).toBe(true)
    const text = JSON.stringify(result.row)
    for (const secret of ["hunter2", "t0p-s3cret", "planted-secret", "/api/items/42"])
      expect(text).not.toContain(secret)
  })

  it("gives a thrown handler status 500 and its class, with no response", () => {
    const exchange = webExchange({
      request: new Request("http://localhost/api/x"),
      route: "/api/x",
      durationMs: 1,
      error: new RangeError("bad"),
    })
    const result = createHttpRowMapper().map(exchange)
    if (result._tag !== "Row") throw new Error(result.reason)
    expect(result.row["http.status"]).toBe(500)
    expect(result.row["http.error"]).toBe("RangeError")
    expect(result.row["http.response.size"]).toBeNull()
  })

  it("marks a request whose signal aborted as aborted", () => {
    const controller = new AbortController()
    controller.abort()
    const exchange = webExchange({
      request: new Request("http://localhost/a", { signal: controller.signal }),
      response: new Response("x"),
      durationMs: 1,
    })
    expect(exchange.aborted).toBe(true)
  })
})

describe("readJsonBody", () => {
  it("reads a clone, so the handler still reads the original", async () => {
    const request = jsonRequest('{"a":1}')
    const pending = readJsonBody(request)
    expect(await request.json()).toEqual({ a: 1 })
    expect(await pending).toEqual({ value: { a: 1 }, bytes: 7 })
  })

  it("reads nothing that is not JSON by its content type", async () => {
    const response = new Response("<p>hi</p>", { headers: { "content-type": "text/html" } })
    expect(await readJsonBody(response)).toBeUndefined()
    expect(await response.text()).toBe("<p>hi</p>")
  })

  it("skips a body whose content-length is over maxBytes without reading it", async () => {
    const request = jsonRequest(JSON.stringify({ big: "x".repeat(2000) }), {})
    expect(request.headers.get("content-length")).toBeNull() // undici sets it on the wire, not here
    const sized = new Request(request.url, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "2012" },
      body: JSON.stringify({ big: "x".repeat(2000) }),
    })
    expect(await readJsonBody(sized, { maxBytes: 1000 })).toBeUndefined()
    expect(sized.bodyUsed).toBe(false)
  })

  it("abandons a body of unknown length once it passes maxBytes, leaving the original whole", async () => {
    const chunks = ['{"v":"', "y".repeat(600), "y".repeat(600), '"}']
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift()
        if (next === undefined) controller.close()
        else controller.enqueue(new TextEncoder().encode(next))
      },
    })
    const response = new Response(stream, { headers: { "content-type": "application/json" } })
    expect(await readJsonBody(response, { maxBytes: 1000 })).toBeUndefined()
    expect(((await response.json()) as { v: string }).v).toHaveLength(1200)
  })

  it("settles, with undefined, when the body stops arriving (a stalled upload, a dumped request)", async () => {
    // What a fetch bridge over Node's http server gives a handler that never read the body: Node
    // discards the rest once the response ends, and the web stream neither ends nor errors.
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"s":"xxxx'))
      },
    })
    const request = new Request("http://localhost/x", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stalled,
      duplex: "half",
    } as RequestInit)
    expect(await readJsonBody(request, { idleMillis: 50 })).toBeUndefined()
  })

  it("gives undefined for malformed JSON and for a body already used", async () => {
    expect(await readJsonBody(jsonRequest('{"a":'))).toBeUndefined()
    const used = jsonRequest('{"a":1}')
    await used.text()
    expect(await readJsonBody(used)).toBeUndefined()
    expect(
      await readJsonBody(new Response(null, { headers: { "content-type": "application/json" } })),
    ).toBeUndefined()
  })
})
