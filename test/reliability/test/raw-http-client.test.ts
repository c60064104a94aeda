import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { gunzip, gzipSync } from "node:zlib"
import { afterEach, describe, expect, it } from "vitest"
import { sendBytes } from "../src/HttpTraffic.js"
import { responseProgress } from "../src/ResponseFraming.js"

const bytes = (text: string) => Buffer.from(text, "latin1")

describe("the raw-socket client's reading of a response", () => {
  it("ends a response by content-length, by the last chunk and its trailers, or leaves it to the server's close", () => {
    const head = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"
    expect(responseProgress(bytes(`${head}abc`), "POST")).toEqual({ state: "body", status: 200 })
    expect(responseProgress(bytes(`${head}abcde`), "POST")).toEqual({ state: "complete", status: 200 })
    const chunked = "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
    expect(responseProgress(bytes(chunked), "GET")).toEqual({ state: "body", status: 400 })
    expect(responseProgress(bytes(`${chunked}0\r\n`), "GET")).toEqual({ state: "body", status: 400 })
    expect(responseProgress(bytes(`${chunked}0\r\n\r\n`), "GET")).toEqual({ state: "complete", status: 400 })
    expect(responseProgress(bytes(`${chunked}0\r\nx-t: 1\r\n`), "GET")).toEqual({
      state: "body",
      status: 400,
    })
    expect(responseProgress(bytes(`${chunked}0\r\nx-t: 1\r\n\r\n`), "GET")).toEqual({
      state: "complete",
      status: 400,
    })
    expect(responseProgress(bytes(`${chunked}zz\r\n`), "GET")).toEqual({ state: "malformed", status: 400 })
    expect(responseProgress(bytes("HTTP/1.0 200 OK\r\n\r\nuntil close"), "GET")).toEqual({
      state: "body",
      status: 200,
    })
    expect(responseProgress(bytes("HTTP/1.1 200 OK\r\ncontent-le"), "GET")).toEqual({ state: "head" })
    expect(responseProgress(bytes("SSH-2.0-x\r\n\r\n"), "GET")).toEqual({ state: "malformed" })
  })

  it("skips a 100 Continue to the final answer; HEAD, 204 and 304 answers have no body", () => {
    const interim = "HTTP/1.1 100 Continue\r\n\r\n"
    expect(responseProgress(bytes(interim), "POST")).toEqual({ state: "head" })
    expect(
      responseProgress(bytes(`${interim}HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok`), "POST"),
    ).toEqual({
      state: "complete",
      status: 201,
    })
    expect(responseProgress(bytes("HTTP/1.1 200 OK\r\ncontent-length: 90\r\n\r\n"), "HEAD")).toEqual({
      state: "complete",
      status: 200,
    })
    expect(responseProgress(bytes("HTTP/1.1 204 No Content\r\n\r\n"), "OPTIONS")).toEqual({
      state: "complete",
      status: 204,
    })
    expect(responseProgress(bytes("HTTP/1.1 304 Not Modified\r\ncontent-length: 9\r\n\r\n"), "GET")).toEqual({
      state: "complete",
      status: 304,
    })
  })
})

describe("the raw-socket client against a real Node server", () => {
  let server: Server | undefined
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
    server = undefined
  })
  const listen = async (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> => {
    const listening = createServer(handler)
    server = listening
    await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve))
    return (listening.address() as AddressInfo).port
  }
  const request = (method: string, body: Buffer, headers: ReadonlyArray<string> = []) =>
    Buffer.concat([
      bytes(
        [
          `${method} /x HTTP/1.1`,
          "host: 127.0.0.1",
          "connection: close",
          ...headers,
          `content-length: ${body.length}`,
        ]
          .concat("", "")
          .join("\r\n"),
      ),
      body,
    ])

  it("gets the answer a server writes only after inflating the body off the main thread (lost if the client half-closed after sending)", async () => {
    const port = await listen((req, res) => {
      const parts: Buffer[] = []
      req.on("data", (part: Buffer) => parts.push(part))
      req.on("end", () =>
        gunzip(Buffer.concat(parts), (error, text) => {
          res.writeHead(error === null ? 200 : 400, { "content-type": "text/plain" })
          // Two writes: a chunked answer whose end comes later.
          res.write(error === null ? text : "bad gzip")
          setImmediate(() => res.end("."))
        }),
      )
    })
    const outcomes = []
    for (let i = 0; i < 40; i++) {
      const body = i % 2 === 0 ? gzipSync(`{"i":${i}}`) : bytes(`{"i":${i}}`)
      outcomes.push(await sendBytes("127.0.0.1", port, request("OPTIONS", body, ["content-encoding: gzip"])))
    }
    expect(outcomes.filter((o) => o.answered && o.status === 200)).toHaveLength(20)
    expect(outcomes.filter((o) => o.answered && o.status === 400)).toHaveLength(20)
  })

  it("head first: an answer to the head alone (Node's 431) is read before the large body is sent; a server waiting for the body still gets it", async () => {
    const port = await listen((req, res) => {
      let length = 0
      req.on("data", (part: Buffer) => {
        length += part.length
      })
      req.on("end", () => res.end(String(length)))
    })
    const body = Buffer.alloc(2_000_000, 0x61)
    const tooLarge = request("POST", body, [`x-huge: ${"v".repeat(20_000)}`])
    const outcomes = []
    for (let i = 0; i < 20; i++) outcomes.push(await sendBytes("127.0.0.1", port, tooLarge, 5_000, 1_000))
    expect(outcomes).toEqual(Array(20).fill({ answered: true, status: 431 }))
    expect(await sendBytes("127.0.0.1", port, request("POST", body), 5_000, 20)).toEqual({
      answered: true,
      status: 200,
    })
  })

  it("counts a connection the server drops without answering as unanswered, and one that never answers as a timeout", async () => {
    const port = await listen((req, res) => {
      if (req.headers["x-drop"] !== undefined) req.socket.destroy()
      else res.on("close", () => undefined) // never answers
    })
    const dropped = await sendBytes("127.0.0.1", port, request("POST", bytes("{}"), ["x-drop: 1"]), 5_000)
    expect(dropped.answered).toBe(false)
    const silent = await sendBytes("127.0.0.1", port, request("POST", bytes("{}")), 300)
    expect(silent).toEqual({ answered: false, error: "TIMEOUT" })
    server?.closeAllConnections()
  })
})
