import { createHash, createHmac } from "node:crypto"
import { S3FaultProxy, type S3Request, S3Server } from "@sketchlog/test-fixtures/s3"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { S3Store } from "../src/index.js"

const URL_ = "s3://profiles/signed-get"
/** Keys that percent-encoding, `+` and non-ASCII names put to the test. */
const KEYS = [
  "dataset=m/date=2026-12-07/hour=16/route=%2Fa/r-1.bin",
  "dataset=m/odd name (1)+é!*'~.bin",
  "dataset=m/plain.bin",
]

let s3: S3Server
let proxy: S3FaultProxy
beforeAll(async () => {
  s3 = await S3Server.start()
  proxy = await S3FaultProxy.start(s3.endpoint)
  const store = new S3Store(URL_, s3.clientOptions())
  for (const [i, key] of KEYS.entries())
    await Effect.runPromise(store.put(key, new Uint8Array(1000 + i).fill(i + 1)))
})
afterAll(async () => {
  await proxy.close()
  await s3.close()
})

const hmac = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text).digest()

/**
 * Checks a request's SigV4 signature as S3 does, written from the specification (not with the
 * SDK's signer): canonical request, string to sign, signing key from the secret.
 */
const signatureIsValid = (request: S3Request, secret: string): boolean => {
  const authorization = String(request.headers.authorization)
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    )
  if (match === null) return false
  const [, , date, region, signedHeaders, signature] = match as unknown as string[]
  const names = (signedHeaders as string).split(";")
  const canonical = [
    request.method,
    request.url.split("?")[0],
    "",
    ...names.map((name) => `${name}:${String(request.headers[name]).trim()}`),
    "",
    signedHeaders,
    String(request.headers["x-amz-content-sha256"]),
  ].join("\n")
  const amzDate = String(request.headers["x-amz-date"])
  const scope = `${date}/${region}/s3/aws4_request`
  const toSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    createHash("sha256").update(canonical).digest("hex"),
  ].join("\n")
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date as string), region as string), "s3"), "aws4_request")
  return createHmac("sha256", key).update(toSign).digest("hex") === signature
}

/** A path as S3 canonicalizes it: each part decoded, then percent-encoded with only unreserved characters kept. */
const canonicalPath = (path: string) =>
  path
    .split("/")
    .map((part) =>
      encodeURIComponent(decodeURIComponent(part)).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join("/")

describe("GETs without the SDK's per-request middleware", () => {
  it("after the SDK's first GET of the bucket, downloads go signed by its signer, valid SigV4 on canonical paths", async () => {
    const store = new S3Store(URL_, s3.clientOptions(proxy.endpoint))
    proxy.clear()
    const seen = proxy.requests.length
    for (const [i, key] of KEYS.entries()) {
      const bytes = await Effect.runPromise(store.read(key))
      expect(bytes).toEqual(new Uint8Array(1000 + i).fill(i + 1))
    }
    const gets = proxy.requests.slice(seen).filter((r) => r.operation === "get")
    expect(gets).toHaveLength(KEYS.length)
    // The first through the SDK (its user agent), the others on the learnt endpoint.
    expect(gets[0]?.headers["x-amz-user-agent"]).toBeDefined()
    for (const request of gets.slice(1)) {
      expect(request.headers["x-amz-user-agent"]).toBeUndefined()
      expect(signatureIsValid(request, s3.credentials.secretAccessKey)).toBe(true)
      expect(signatureIsValid(request, "another secret")).toBe(false)
      expect(request.url).toBe(canonicalPath(request.url))
    }
    expect(decodeURIComponent(gets[1]?.url ?? "")).toBe(`/profiles/signed-get/${KEYS[1]}`)
  })

  it("an error answer or a cut download goes to the SDK, with its retries and its errors", async () => {
    const store = new S3Store(URL_, s3.clientOptions(proxy.endpoint))
    await Effect.runPromise(store.read(KEYS[2] as string))
    const seen = proxy.requests.length
    proxy.clear().slowDown(1, 0, "get")
    expect(await Effect.runPromise(store.read(KEYS[0] as string))).toEqual(new Uint8Array(1000).fill(1))
    proxy.clear().cutBody(1, "get")
    expect(await Effect.runPromise(store.read(KEYS[1] as string))).toEqual(new Uint8Array(1001).fill(2))
    const gets = proxy.requests.slice(seen)
    expect(gets.map((r) => [r.fault, r.headers["x-amz-user-agent"] !== undefined])).toEqual([
      ["slow-down", false],
      [undefined, true],
      ["cut-body", false],
      [undefined, true],
    ])
    const missing = await Effect.runPromise(Effect.flip(store.read("dataset=m/nothing.bin")))
    expect(missing).toMatchObject({ reason: "not-found", retryable: false })
  })
})
