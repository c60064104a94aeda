import * as Http from "node:http"
import * as Https from "node:https"
import { isIPv6 } from "node:net"
import type { Duplex } from "node:stream"
import * as Tls from "node:tls"
import type { ProxyServer } from "./EnvironmentProxy.js"

/** Why a proxy did not open a tunnel: its status, never its address or credentials. */
export class ProxyTunnelRefused extends Error {
  readonly status: number
  constructor(status: number, target: string) {
    super(`the HTTP proxy answered ${status} to CONNECT ${target}`)
    this.name = "ProxyTunnelRefused"
    this.status = status
  }
}

/**
 * An https agent whose connections are TLS inside a `CONNECT` tunnel through an HTTP(S) proxy: the
 * server's certificate is checked by its own name, as on a direct connection (the proxy only relays
 * bytes).
 */
export class ProxyTunnelAgent extends Https.Agent {
  readonly #proxy: ProxyServer

  constructor(proxy: ProxyServer, options: Https.AgentOptions = {}) {
    super(options)
    this.#proxy = proxy
  }

  override createConnection(
    options: Https.RequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const done = callback ?? (() => {})
    const host = options.host ?? "localhost"
    const target = `${isIPv6(host) ? `[${host}]` : host}:${options.port ?? 443}`
    const proxy = this.#proxy
    const connect = (proxy.protocol === "https:" ? Https : Http).request({
      hostname: proxy.hostname,
      port: proxy.port,
      method: "CONNECT",
      path: target,
      agent: false,
      headers: {
        host: target,
        ...(proxy.authorization === undefined ? {} : { "proxy-authorization": proxy.authorization }),
      },
    })
    connect.once("connect", (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy()
        done(new ProxyTunnelRefused(response.statusCode ?? 0, target), undefined as never)
        return
      }
      done(null, Tls.connect({ ...(options as Tls.ConnectionOptions), socket }))
    })
    connect.once("error", (error) => done(error, undefined as never))
    connect.end()
    return undefined
  }
}
