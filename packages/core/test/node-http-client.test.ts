import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Chunk, Effect, type Scope, Stream } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import * as NodeHttpClient from "../src/node/NodeHttpClient.js"

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage["headers"]
  readonly body: string
}

/** A real server on 127.0.0.1 that records each request and answers by path. */
const serve = async (answer: (seen: Seen, res: ServerResponse) => void) => {
  const seen: Array<Seen> = []
  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const request = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      }
      seen.push(request)
      answer(request, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { server, seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

const servers: Array<Server> = []
afterEach(() => {
  delete process.env.HTTP_PROXY
  delete process.env.HTTPS_PROXY
  delete process.env.NO_PROXY
})
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient | Scope.Scope>) =>
  Effect.runPromise(Effect.scoped(effect).pipe(Effect.provide(NodeHttpClient.layer)))

let echo: Awaited<ReturnType<typeof serve>>
beforeAll(async () => {
  echo = await serve((request, res) => {
    if (request.url === "/empty") return res.writeHead(204).end()
    if (request.url === "/cookies") {
      res.setHeader("set-cookie", ["a=1; Path=/", "b=2; Path=/"])
      return res.end("ok")
    }
    if (request.url === "/never") return // never answers
    res.setHeader("content-type", "application/json")
    res.end(JSON.stringify({ ...request, headers: request.headers }))
  })
  servers.push(echo.server)
})

describe("NodeHttpClient: Effect's HttpClient over node:http", () => {
  it("sends each kind of body with its content type and reads the reply as JSON", async () => {
    const post = (body: HttpBody.HttpBody) =>
      run(
        Effect.flatMap(HttpClient.HttpClient, (client) =>
          Effect.flatMap(
            client.execute(HttpClientRequest.post(`${echo.url}/echo`).pipe(HttpClientRequest.setBody(body))),
            (r) => r.json,
          ),
        ),
      ) as Promise<Seen>
    const json = await post(HttpBody.unsafeJson({ rows: 3 }))
    expect(json).toMatchObject({ method: "POST", body: '{"rows":3}' })
    expect(json.headers).toMatchObject({ "content-type": "application/json", "content-length": "10" })
    const streamed = await post(
      HttpBody.stream(
        Stream.fromChunk(Chunk.make(new Uint8Array([104, 105]), new Uint8Array([33]))),
        "application/octet-stream",
      ),
    )
    expect(streamed).toMatchObject({ body: "hi!" })
    expect(streamed.headers["content-type"]).toBe("application/octet-stream")
    const form = new FormData()
    form.set("dataset", "model-1")
    const formed = await post(HttpBody.formData(form))
    expect(formed.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/)
    expect(formed.body).toContain('name="dataset"')
    expect(formed.body).toContain("model-1")
  })

  it("keeps repeated headers (every set-cookie) and gives a bodiless status an empty body", async () => {
    const { cookies, empty } = await run(
      Effect.gen(function* () {
        const client = yield* HttpClient.HttpClient
        const withCookies = yield* client.get(`${echo.url}/cookies`)
        const noContent = yield* client.get(`${echo.url}/empty`)
        return {
          cookies: Object.keys(withCookies.cookies.cookies).sort(),
          empty: { status: noContent.status, text: yield* noContent.text },
        }
      }),
    )
    expect(cookies).toEqual(["a", "b"])
    expect(empty).toEqual({ status: 204, text: "" })
  })

  it("an interrupted call (a timeout) closes its connection; a refused one fails as a Transport RequestError", async () => {
    const closed = new Promise<void>((resolve) =>
      echo.server.once("request", (req: IncomingMessage) => req.socket.once("close", () => resolve())),
    )
    const timedOut = await run(
      Effect.flatMap(HttpClient.HttpClient, (client) => client.get(`${echo.url}/never`)).pipe(
        Effect.timeout("300 millis"),
        Effect.flip,
      ),
    )
    expect(timedOut._tag).toBe("TimeoutException")
    await closed
    const refused = await run(
      Effect.flip(Effect.flatMap(HttpClient.HttpClient, (client) => client.get("http://127.0.0.1:9/"))),
    )
    expect(refused).toMatchObject({ _tag: "RequestError", reason: "Transport" })
  })

  it("through a proxy with credentials: absolute-URI requests and CONNECT carry Proxy-Authorization; a refused tunnel never shows the password", async () => {
    const connects: Array<IncomingMessage["headers"]> = []
    const proxy = await serve((request, res) => res.end(`via proxy: ${request.url}`))
    proxy.server.on("connect", (req: IncomingMessage, socket) => {
      connects.push(req.headers)
      socket.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
    })
    servers.push(proxy.server)
    const withCredentials = proxy.url.replace("http://", "http://us%40er:pa55%3Aword@")
    process.env.HTTP_PROXY = withCredentials
    process.env.HTTPS_PROXY = withCredentials
    process.env.NO_PROXY = "example.invalid"
    const viaProxy = await run(
      Effect.flatMap(HttpClient.HttpClient, (client) =>
        Effect.flatMap(client.get("http://api.example.test:8080/v0/x?y=1"), (r) => r.text),
      ),
    )
    expect(viaProxy).toBe("via proxy: http://api.example.test:8080/v0/x?y=1")
    const basic = `Basic ${Buffer.from("us@er:pa55:word").toString("base64")}`
    expect(proxy.seen[0]?.headers).toMatchObject({
      host: "api.example.test:8080",
      "proxy-authorization": basic,
    })
    const refused = await run(
      Effect.flip(Effect.flatMap(HttpClient.HttpClient, (client) => client.get("https://api.example.test/"))),
    )
    expect(connects[0]).toMatchObject({ host: "api.example.test:443", "proxy-authorization": basic })
    expect(refused).toMatchObject({ _tag: "RequestError", reason: "Transport" })
    expect(String(refused.cause)).toContain("407")
    expect(`${refused.message} ${String(refused.cause)} ${JSON.stringify(refused)}`).not.toMatch(/pa55|word/)
  })
})
