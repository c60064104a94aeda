import { writeFile } from "node:fs/promises"
import { createServer, type Server } from "node:https"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { ForwardProxy } from "@sketchlog/test-fixtures"
import { usePlatformSandbox } from "@sketchlog/test-fixtures/vitest"
import { generate } from "selfsigned"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { proxyFor } from "../src/node/internal/EnvironmentProxy.js"
import { init, type SessionHandle } from "../src/session/index.js"
import { runTsxChild } from "./tsxChild.js"

const fixture = usePlatformSandbox()

let proxy: ForwardProxy
let proxyUrl = ""
let seen: Array<string> = []
beforeAll(async () => {
  proxy = await ForwardProxy.start()
  proxyUrl = proxy.url
  seen = proxy.seen
})
afterAll(() => proxy.close())

beforeEach(() => proxy.reset())
const open: Array<SessionHandle> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})
/** Sets proxy variables for this test (the sandbox cleared them all and restores them after it). */
const setEnv = (vars: Record<string, string | undefined>) => fixture.sandbox.setEnv(vars)

const upload = async () => {
  const session = await init({
    reinit: true,
    apiKey: fixture.platform.apiKey,
    apiEndpoint: fixture.platform.url,
    retry: { baseDelay: "1 millis", maxDelay: "5 millis" },
  })
  open.push(session)
  return session.uploadProfile({
    datasetId: "model-1",
    datasetTimestamp: new Date("2025-01-01T10:00:00Z"),
    segmentTags: [],
    bytes: new Uint8Array([1, 2, 3]),
  })
}

describe("the platform through an HTTP proxy named by the environment", () => {
  it("sends every platform request through HTTP_PROXY when NO_PROXY does not exempt the host", async () => {
    setEnv({ HTTP_PROXY: proxyUrl })
    setEnv({ NO_PROXY: "example.invalid" })
    const receipt = await upload()
    expect(receipt.bytes).toBe(3)
    expect(fixture.platform.profiles()).toHaveLength(1)
    const platformRequests = seen.filter((line) => line.includes(new URL(fixture.platform.url).host))
    // announce (log/async) and the upload's PUT at least, as absolute-URI requests to the proxy
    expect(platformRequests.length).toBeGreaterThanOrEqual(2)
    expect(platformRequests.every((line) => line.includes(`${fixture.platform.url}/`))).toBe(true)
  })

  it("connects directly when NO_PROXY names the host, or when nothing is set", async () => {
    setEnv({ HTTP_PROXY: proxyUrl })
    setEnv({ NO_PROXY: "127.0.0.1" })
    await upload()
    setEnv({ HTTP_PROXY: undefined })
    setEnv({ NO_PROXY: undefined })
    await upload()
    expect(fixture.platform.profiles()).toHaveLength(2)
    expect(seen).toEqual([])
  })

  it("keeps loopback direct by default: a proxy for the outside world does not capture a local platform", async () => {
    setEnv({ HTTP_PROXY: proxyUrl })
    await upload()
    expect(fixture.platform.profiles()).toHaveLength(1)
    expect(seen).toEqual([])
  })

  it("tunnels https with CONNECT to the platform's host and port", async () => {
    setEnv({ HTTPS_PROXY: proxyUrl })
    setEnv({ NO_PROXY: "example.invalid" })
    const { host } = new URL(fixture.platform.url)
    // The fake platform speaks plain HTTP, so TLS fails inside the tunnel; what counts here is that the
    // tunnel was asked of the proxy, for the right host and port, and that the failure is typed.
    const session = await init({
      reinit: true,
      apiKey: fixture.platform.apiKey,
      apiEndpoint: fixture.platform.url.replace("http:", "https:"),
      retry: { baseDelay: "1 millis", maxDelay: "5 millis", maxRetries: 0 },
    })
    open.push(session)
    const failure = await session
      .uploadProfile({
        datasetId: "model-1",
        datasetTimestamp: new Date("2025-01-01T10:00:00Z"),
        segmentTags: [],
        bytes: new Uint8Array([1]),
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      )
    expect(failure).toBeInstanceOf(Error)
    expect(seen).toContain(`CONNECT ${host}`)
  })

  it("https through the tunnel: TLS to the real server behind it, its certificate checked by name or address", async () => {
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [
        {
          name: "subjectAltName",
          altNames: [
            { type: 2, value: "localhost" },
            { type: 7, ip: "127.0.0.1" },
          ],
        },
      ],
    })
    const certFile = join(fixture.sandbox.dir, "localhost.pem")
    await writeFile(certFile, pems.cert)
    const server: Server = createServer({ key: pems.private, cert: pems.cert }, (_request, response) =>
      response.end("through the tunnel"),
    )
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      const url = `https://localhost:${(server.address() as AddressInfo).port}/`
      const child = fileURLToPath(new URL("./proxyTlsChild.ts", import.meta.url))
      const get = () =>
        runTsxChild<{ text?: string; error?: string }>(child, { args: [url], limitMs: 30_000 })
      setEnv({ HTTPS_PROXY: proxyUrl, NO_PROXY: "example.invalid", NODE_EXTRA_CA_CERTS: certFile })
      expect(await get()).toEqual({ text: "through the tunnel" })
      expect(seen).toEqual([`CONNECT ${new URL(url).host}`])
      // An endpoint given as an IP address is checked against that address (the certificate's IP name).
      const byAddress = url.replace("localhost", "127.0.0.1")
      expect(await runTsxChild(child, { args: [byAddress], limitMs: 30_000 })).toEqual({
        text: "through the tunnel",
      })
      expect(seen.at(-1)).toBe(`CONNECT ${new URL(byAddress).host}`)
      // Without trusting the certificate the same call fails: the tunnel does not skip the check.
      setEnv({ NODE_EXTRA_CA_CERTS: undefined })
      expect((await get()).error).toBe("DEPTH_ZERO_SELF_SIGNED_CERT")
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it("a proxy that refuses, or a proxy URL that is not one, fails the call with a typed PlatformError that never shows the proxy's password", async () => {
    for (const proxyValue of [
      "http://user:pr0xy-pa55@127.0.0.1:9",
      "not a url pr0xy-pa55",
      "http://user:pr0xy-pa55@[bad",
    ]) {
      setEnv({ HTTP_PROXY: proxyValue, NO_PROXY: "example.invalid" })
      const session = await init({
        reinit: true,
        apiKey: fixture.platform.apiKey,
        apiEndpoint: fixture.platform.url,
        retry: { maxRetries: 0 },
      })
      open.push(session)
      const failure = await session
        .uploadProfile({
          datasetId: "m",
          datasetTimestamp: new Date(),
          segmentTags: [],
          bytes: new Uint8Array([1]),
        })
        .then(
          () => undefined,
          (error: unknown) => error as { _tag?: string; message?: string },
        )
      expect(failure?._tag).toBe("PlatformError")
      expect(`${failure?.message} ${JSON.stringify(failure)}`).not.toContain("pr0xy-pa55")
    }
    expect(fixture.platform.profiles()).toHaveLength(0)
  })

  it("proxyFor reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY in either case", () => {
    setEnv({ https_proxy: "http://proxy.internal:3128" })
    expect(proxyFor("https://api.example.com:443")).toBe("http://proxy.internal:3128")
    expect(proxyFor("http://api.example.com:80")).toBe("")
    setEnv({ no_proxy: ".example.com" })
    expect(proxyFor("https://api.example.com:443")).toBe("")
    expect(proxyFor("https://api.other.org:443")).toBe("http://proxy.internal:3128")
  })
})
