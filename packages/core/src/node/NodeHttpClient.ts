import * as Http from "node:http"
import * as Https from "node:https"
import { pipeline, Readable } from "node:stream"
import type { HttpBody } from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import { RequestError } from "@effect/platform/HttpClientError"
import type { HttpClientRequest } from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Effect, Layer, Stream } from "effect"
import { type ProxyServer, parseProxy, proxyFor } from "./internal/EnvironmentProxy.js"
import { ProxyTunnelAgent } from "./internal/ProxyTunnelAgent.js"
import { webResponse } from "./internal/webResponse.js"

/** The agents of one client: direct ones, and one tunnelling agent per proxy in use. */
class Agents {
  readonly http = new Http.Agent()
  readonly https = new Https.Agent()
  readonly #tunnels = new Map<string, ProxyTunnelAgent>()

  tunnelThrough(proxy: ProxyServer): ProxyTunnelAgent {
    let agent = this.#tunnels.get(proxy.key)
    if (agent === undefined) {
      agent = new ProxyTunnelAgent(proxy)
      this.#tunnels.set(proxy.key, agent)
    }
    return agent
  }

  destroy(): void {
    this.http.destroy()
    this.https.destroy()
    for (const agent of this.#tunnels.values()) agent.destroy()
  }
}

/**
 * Opens the Node request for `url`: directly, or through the proxy `proxyFor` names — https in a
 * `CONNECT` tunnel, http as an absolute-URI request to the proxy.
 */
const openRequest = (agents: Agents, request: HttpClientRequest, url: URL, signal: AbortSignal) => {
  const headers = { ...request.headers }
  const proxyValue = proxyFor(url.href)
  const proxy = proxyValue === "" ? undefined : parseProxy(proxyValue)
  if (url.protocol === "https:") {
    const agent = proxy === undefined ? agents.https : agents.tunnelThrough(proxy)
    return Https.request(url, { agent, method: request.method, headers, signal })
  }
  if (proxy === undefined)
    return Http.request(url, { agent: agents.http, method: request.method, headers, signal })
  return (proxy.protocol === "https:" ? Https : Http).request({
    hostname: proxy.hostname,
    port: proxy.port,
    path: url.href,
    method: request.method,
    agent: proxy.protocol === "https:" ? agents.https : agents.http,
    headers: {
      host: url.host,
      ...headers,
      ...(proxy.authorization === undefined ? {} : { "proxy-authorization": proxy.authorization }),
    },
    signal,
  })
}

/** Sends the body; a failure destroys the request, which reports it as the request's error. */
const writeBody = (nodeRequest: Http.ClientRequest, body: HttpBody): void => {
  // pipeline ends the source when the request ends early (an interrupted call cancels the body stream).
  const pipeWeb = (stream: ReadableStream<Uint8Array>) =>
    pipeline(
      Readable.fromWeb(stream as import("node:stream/web").ReadableStream<Uint8Array>),
      nodeRequest,
      () => {},
    )
  switch (body._tag) {
    case "Empty":
      nodeRequest.end()
      return
    case "Uint8Array":
    case "Raw":
      nodeRequest.end(body.body as Uint8Array | string)
      return
    case "FormData": {
      const encoded = new Response(body.formData)
      for (const [key, value] of encoded.headers) nodeRequest.setHeader(key, value)
      pipeWeb(encoded.body as ReadableStream<Uint8Array>)
      return
    }
    case "Stream":
      pipeWeb(Stream.toReadableStream(body.stream as Stream.Stream<Uint8Array, unknown>))
      return
  }
}

const send = (agents: Agents, request: HttpClientRequest, url: URL, signal: AbortSignal) =>
  Effect.async<Http.IncomingMessage, RequestError>((resume) => {
    let settled = false
    const fail = (cause: unknown) => {
      if (settled) return
      settled = true
      resume(Effect.fail(new RequestError({ request, reason: "Transport", cause })))
    }
    let nodeRequest: Http.ClientRequest
    try {
      nodeRequest = openRequest(agents, request, url, signal)
    } catch (cause) {
      fail(cause)
      return
    }
    // Kept for the request's whole life: an error after the response (a reset mid-body) reaches the
    // body's reader through the response stream, and must not become an uncaught exception here.
    nodeRequest.on("error", fail)
    nodeRequest.once("response", (incoming) => {
      if (settled) return
      settled = true
      resume(Effect.succeed(incoming))
    })
    try {
      writeBody(nodeRequest, request.body)
    } catch (cause) {
      nodeRequest.destroy(cause as Error)
    }
    return Effect.sync(() => nodeRequest.destroy())
  })

/**
 * Effect's `HttpClient` over `node:http` / `node:https`, as @effect/platform-node's `NodeHttpClient`,
 * plus the proxy the environment names (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`), decided
 * per request; its agents are destroyed with the layer.
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(
  HttpClient.HttpClient,
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => new Agents()),
      (agents) => Effect.sync(() => agents.destroy()),
    ),
    (agents) =>
      HttpClient.make((request, url, signal) =>
        Effect.flatMap(send(agents, request, url, signal), (incoming) =>
          Effect.try({
            try: () => HttpClientResponse.fromWeb(request, webResponse(incoming, request.method)),
            catch: (cause) => {
              incoming.destroy()
              return new RequestError({
                request,
                reason: "Transport",
                cause,
                description: "unreadable response",
              })
            },
          }),
        ),
      ),
  ),
)
