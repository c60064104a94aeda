import fc from "fast-check"

/** One hostile request: what goes on the wire, and a short note of its shape for the failure report. */
export interface HostileRequest {
  readonly method: string
  /** Path and query, as sent (not necessarily valid). */
  readonly target: string
  readonly contentType: string | undefined
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: Buffer
  readonly shape: string
}

/**
 * The request's bytes: request line, headers (latin1: any byte but CR and LF), a correct
 * `content-length`, `connection: close`, the body. Nothing is validated client-side.
 */
export const toWire = (r: HostileRequest): Buffer => {
  const lines = [`${r.method} ${r.target} HTTP/1.1`, "host: 127.0.0.1", "connection: close"]
  if (r.contentType !== undefined) lines.push(`content-type: ${r.contentType}`)
  for (const [name, value] of r.headers) lines.push(`${name}: ${value}`)
  lines.push(`content-length: ${r.body.length}`)
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), r.body])
}

/** JSON number literals at the edges of float64 and int64, written as text (so none is rounded first). */
export const edgeNumbers = [
  "1.7976931348623157e308",
  "-1.7976931348623157e308",
  "1.7976931348623159e308", // rounds to Infinity
  "1e309",
  "-1e309",
  "5e-324",
  "-5e-324",
  "2.2250738585072014e-308",
  "1e-400",
  "-0",
  "-0.0",
  "0e0",
  "9007199254740991",
  "9007199254740993",
  "-9007199254740993",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "-9223372036854775809",
  "18446744073709551615",
  "18446744073709551616",
  "123456789012345678901234567890123456789",
  "4.9406564584124654e-324",
  "0.30000000000000004",
]

/** Keys that mean something to JavaScript objects or to the redaction rules, and odd names. */
const specialKeys = [
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
  "valueOf",
  "__defineGetter__",
  "",
  ".",
  "a.b",
  "..a..",
  "\ud800",
  "\udfff\ud800",
  "\u0000",
  "\u202e",
  "password",
  "apiKey",
  "access_token",
  "Authorization",
  "x".repeat(70),
  "k".repeat(5000),
  "请求体",
  "🙂",
]

/** A JSON string literal (escaped by JSON.stringify, so lone surrogates are written as `\udxxx`). */
const stringLiteral = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.constantFrom(...specialKeys),
    fc.integer({ min: 0, max: 300_000 }).map((n) => "s".repeat(n)),
  )
  .map((s) => JSON.stringify(s))

const keyLiteral = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...specialKeys) },
    fc.string({ unit: "binary", maxLength: 20 }),
  )
  .map((s) => JSON.stringify(s))

const numberLiteral = fc.oneof(
  fc.constantFrom(...edgeNumbers),
  fc.double().map((x) => (Number.isFinite(x) ? String(x) : "0")),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
)

const leaf = fc.oneof(numberLiteral, stringLiteral, fc.constantFrom("true", "false", "null"))

/** Arbitrary JSON text built from hostile leaves and keys (duplicate keys included). */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ node: string; array: string; object: string }>((tie) => ({
  node: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("node"), { maxLength: 6 }).map((items) => `[${items.join(",")}]`),
  object: fc
    .array(fc.tuple(keyLiteral, tie("node")), { maxLength: 6 })
    .map((entries) => `{${entries.map(([k, v]) => `${k}:${v}`).join(",")}}`),
})).node

/** Shapes a body parser or a walker could choke on, sized by fast-check. */
const extremeJson = fc.oneof(
  fc
    .integer({ min: 50, max: 200_000 })
    .map((d) => ({ text: `${"[".repeat(d)}${"]".repeat(d)}`, shape: `array nested ${d} deep` })),
  fc
    .integer({ min: 50, max: 100_000 })
    .map((d) => ({ text: `${'{"a":'.repeat(d)}1${"}".repeat(d)}`, shape: `object nested ${d} deep` })),
  fc
    .integer({ min: 1_000, max: 150_000 })
    .map((n) => ({ text: `{"v":[${Array(n).fill("0").join(",")}]}`, shape: `array of ${n}` })),
  fc.integer({ min: 100, max: 30_000 }).map((n) => ({
    text: `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(",")}}`,
    shape: `object of ${n} keys`,
  })),
  fc.constant({
    text: '{"__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"x":1},"a":{"__proto__":{"b":1}}}',
    shape: "prototype pollution",
  }),
  fc.constant({
    text: `{${edgeNumbers.map((n, i) => `"n${i}":${n}`).join(",")}}`,
    shape: "float64/int64 edges",
  }),
  fc.constant({ text: `[${edgeNumbers.join(",")}]`, shape: "float64/int64 edges in an array" }),
)

/** Bytes that are not valid UTF-8, inside a JSON string where a parser will meet them. */
const invalidUtf8 = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        [0xff],
        [0xfe, 0xff],
        [0xc0, 0xaf],
        [0xe0, 0x80, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
        [0x80],
        [0xc3],
      ),
      fc.uint8Array({ minLength: 1, maxLength: 8 }).map((a) => Array.from(a)),
    ),
    { minLength: 1, maxLength: 20 },
  )
  .map((parts) => {
    const bytes = Buffer.from(parts.flat())
    return {
      body: Buffer.concat([Buffer.from('{"name":"'), bytes, Buffer.from('","'), bytes, Buffer.from('":1}')]),
      shape: "invalid UTF-8 in a value and a key",
    }
  })

/** A body and how it was made. */
const body: fc.Arbitrary<{ body: Buffer; shape: string }> = fc.oneof(
  { weight: 4, arbitrary: jsonText.map((text) => ({ body: Buffer.from(text), shape: "arbitrary JSON" })) },
  { weight: 3, arbitrary: extremeJson.map(({ text, shape }) => ({ body: Buffer.from(text), shape })) },
  { weight: 2, arbitrary: invalidUtf8 },
  fc.uint8Array({ maxLength: 4096 }).map((a) => ({ body: Buffer.from(a), shape: "binary" })),
  fc.tuple(jsonText, fc.nat()).map(([text, at]) => ({
    body: Buffer.from(text.slice(0, at % (text.length + 1))),
    shape: "truncated JSON",
  })),
  fc.constant({ body: Buffer.alloc(0), shape: "empty" }),
)

const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "application/json; charset=koi8-r",
  "APPLICATION/JSON",
  "text/json",
  "application/vnd.api+json",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=----x",
  "text/plain",
  "application/octet-stream",
  "application/json;;;;=",
  "json",
  "",
  undefined,
)

/** Header names: real ones, watched ones, prototype names, random tokens. */
const headerName = fc.oneof(
  fc.constantFrom(
    "authorization",
    "cookie",
    "user-agent",
    "x-forwarded-for",
    "x-request-id",
    "accept",
    "accept-encoding",
    "content-encoding",
    "expect",
    "transfer-encoding",
    "__proto__",
    "constructor",
    "x-api-key",
  ),
  fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,40}$/),
)

/** Header values: any latin1 byte but CR/LF (control characters included). */
const headerValue = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 60,
    }),
  },
  fc.string({
    unit: fc
      .integer({ min: 0, max: 255 })
      .filter((c) => c !== 10 && c !== 13)
      .map((c) => String.fromCharCode(c)),
    maxLength: 60,
  }),
  fc.constantFrom(
    "gzip",
    "deflate",
    "br",
    "identity, gzip",
    "chunked",
    "100-continue",
    "Bearer planted-token",
  ),
)

/** A query component: encoded arbitrary text, or raw shapes query parsers are known to trip on. */
const queryPair = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.string({ unit: "binary", maxLength: 20 }), fc.string({ unit: "binary", maxLength: 20 }))
      .map(
        ([k, v]) =>
          `${encodeURIComponent(k.replace(/[\ud800-\udfff]/g, "?"))}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, "?"))}`,
      ),
  },
  fc.constantFrom(
    "__proto__[polluted]=yes",
    "__proto__.polluted=yes",
    "constructor[prototype][polluted]=yes",
    "a[__proto__][b]=1",
    "a[]=1&a[]=2&a[5]=x",
    "a[b][c][d][e][f][g][h][i][j][k][l][m][n][o][p][q][r][s][t][u][v][w][x][y][z]=deep",
    "%E0%A4%A",
    "%ZZ=%ZZ",
    "%=%",
    "%00=%00",
    "%ED%A0%80=%ED%A0%80",
    "%C0%AF=x",
    "=",
    "&&&",
    "token=planted-query-secret",
    "password=planted-query-secret",
    "x=1e309&y=-0&z=9223372036854775808",
  ),
  fc
    .integer({ min: 100, max: 1_500 })
    .map((n) => Array.from({ length: n }, (_, i) => `p${i}=${i}`).join("&")),
  fc.integer({ min: 1_000, max: 8_000 }).map((n) => `long=${"q".repeat(n)}`),
)

const query = fc.option(
  fc.array(queryPair, { minLength: 1, maxLength: 5 }).map((pairs) => `?${pairs.join("&")}`),
  { nil: "" },
)

/**
 * Hostile requests to `paths` (the server's routes, so most reach a handler): methods, bodies,
 * content types, headers, query strings and field names chosen to break parsers and walkers.
 */
export const hostileRequest = (paths: ReadonlyArray<string>): fc.Arbitrary<HostileRequest> =>
  fc
    .record({
      method: fc.oneof(
        { weight: 6, arbitrary: fc.constant("POST") },
        fc.constantFrom("GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "PROPFIND", "FOO"),
      ),
      path: fc.constantFrom(...paths),
      query,
      contentType,
      headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 12 }),
      // One request in eight carries a 1–40 KB header (Node answers 431 past 16 KB).
      hugeHeader: fc.oneof(
        { weight: 7, arbitrary: fc.constant(undefined) },
        fc.integer({ min: 1_000, max: 40_000 }),
      ),
      body,
    })
    .map(({ method, path, query, contentType, headers, hugeHeader, body }) => ({
      method,
      target: `${path}${query}`,
      contentType,
      headers: hugeHeader === undefined ? headers : [...headers, ["x-huge", "v".repeat(hugeHeader)] as const],
      body: body.body,
      shape: `${method} ${path}${query.length > 80 ? `${query.slice(0, 80)}…` : query} ${contentType ?? "(no type)"} ${body.shape} (${body.body.length} bytes)`,
    }))
