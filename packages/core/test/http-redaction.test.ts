import { describe, expect, it } from "vitest"
import {
  createHttpRowMapper,
  defaultRedactions,
  type HttpExchange,
  type HttpRowOptions,
} from "../src/http/index.js"

const SECRET = "S3CR3T-f00d-4a11"

/** Everything a mapping hands on (row, segment, dataset), serialized: the secret must appear nowhere. */
const everything = (exchange: HttpExchange, options?: HttpRowOptions): string => {
  const result = createHttpRowMapper(options).map(exchange)
  if (result._tag !== "Row") throw new Error(`expected a row, got ${result.reason}`)
  return JSON.stringify([Object.entries(result.row), result.segment, result.datasetId])
}

const bodyColumns = (exchange: HttpExchange, options?: HttpRowOptions): Record<string, unknown> => {
  const result = createHttpRowMapper(options).map(exchange)
  if (result._tag !== "Row") throw new Error("expected a row")
  return Object.fromEntries(Object.entries(result.row).filter(([k]) => !k.startsWith("http.")))
}

const post = (body: unknown): HttpExchange => ({
  method: "POST",
  route: "/login",
  status: 200,
  durationMs: 1,
  request: { contentType: "application/json", body },
})

describe("HTTP redaction", () => {
  it("never lets a planted secret through a header, a body field or the query", () => {
    const exchange: HttpExchange = {
      method: "POST",
      route: "/v1/orders/:id",
      path: `/v1/orders/7?token=${SECRET}&q=${SECRET}`,
      status: 201,
      durationMs: 4,
      request: {
        headers: {
          authorization: `Bearer ${SECRET}`,
          cookie: `sid=${SECRET}`,
          "x-api-key": SECRET,
          "x-custom": SECRET,
          "content-type": `application/json; boundary=${SECRET}`,
        },
        body: {
          user: "ada",
          password: SECRET,
          apiKey: SECRET,
          api_key: SECRET,
          auth: { token: SECRET, scheme: "bearer" },
          profile: { settings: { clientSecret: SECRET, accessToken: SECRET, refresh_token: SECRET } },
          sessions: [{ sessionToken: SECRET, device: "phone" }],
          "Set-Cookie": SECRET,
          AUTHORIZATION: SECRET,
        },
      },
      response: {
        headers: { "set-cookie": [`sid=${SECRET}`], etag: SECRET },
        body: { ok: true, token: SECRET, nested: { passwordHash: SECRET } },
      },
      query: { token: SECRET, q: SECRET },
    }
    expect(everything(exchange)).not.toContain(SECRET)
    // and with query values on, the redacted query key still hides its value
    const withQuery = everything({ ...exchange, query: { token: SECRET, page: "2" } }, { queryValues: true })
    expect(withQuery).not.toContain(SECRET)
    expect(withQuery).toContain('"request.query.page","2"')
  })

  it("keeps harmless neighbours of redacted names", () => {
    const columns = bodyColumns(
      post({
        password: SECRET,
        user: "ada",
        auth: { token: SECRET, scheme: "bearer", expires_in: 3600 },
        usage: { prompt_tokens: 12, max_tokens: 256 },
        tokenizer: "cl100k",
        secretary: "Bob",
      }),
    )
    expect(columns).toEqual({
      "request.body.user": "ada",
      "request.body.auth.scheme": "bearer",
      "request.body.auth.expires_in": 3600,
      "request.body.usage.prompt_tokens": 12,
      "request.body.usage.max_tokens": 256,
      "request.body.tokenizer": "cl100k",
      "request.body.secretary": "Bob",
    })
  })

  it("matches the default names in every common spelling", () => {
    const names = [
      "password",
      "Password",
      "userPassword",
      "password_confirmation",
      "token",
      "accessToken",
      "accesstoken",
      "oauth2_token",
      "X-Auth-Token",
      "secret",
      "client_secret",
      "apiKey",
      "api_key",
      "api-key",
      "APIKey",
      "apikey",
      "xApiKey",
      "authorization",
      "Authorization",
      "cookie",
      "set-cookie",
      "setCookie",
    ]
    const body = Object.fromEntries(names.map((n) => [n, SECRET]))
    expect(bodyColumns(post(body))).toEqual({})
  })

  it("drops redacted query keys from the key list too", () => {
    const result = createHttpRowMapper().map({
      method: "GET",
      route: "/",
      status: 200,
      durationMs: 1,
      query: { access_token: "x", page: "1" },
    })
    expect(result._tag === "Row" && result.row["http.query.keys"]).toBe("page")
    expect(result._tag === "Row" && result.row["http.query.key_count"]).toBe(2)
  })

  it("extends the defaults with alsoRedact, words or RegExps", () => {
    const columns = bodyColumns(
      post({ ssn: SECRET, card_number: SECRET, iban_x: SECRET, password: SECRET, ok: 1 }),
      {
        alsoRedact: ["ssn", "card-number", /^iban/i],
      },
    )
    expect(columns).toEqual({ "request.body.ok": 1 })
  })

  it("replaces the defaults with redact", () => {
    const columns = bodyColumns(post({ password: "visible-now", ssn: SECRET }), { redact: ["ssn"] })
    expect(columns).toEqual({ "request.body.password": "visible-now" })
    expect(defaultRedactions).toContain("api-key")
  })

  it("hides the fields below a redacted object entirely", () => {
    const columns = bodyColumns(
      post({ secret: { a: 1, b: { c: SECRET } }, credentials: [{ token: SECRET }] }),
    )
    expect(columns).toEqual({ "request.body.credentials.length": 1 })
  })
})
