import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { createProxy } from "proxy"

/**
 * A real HTTP forward proxy on 127.0.0.1 (absolute-URI requests for http, `CONNECT` tunnels for
 * https), noting every request it is asked to pass on: what a corporate proxy is to a session.
 */
export class ForwardProxy {
  /** What passed through, in order: `GET http://host:port/path` or `CONNECT host:port`. */
  readonly seen: Array<string> = []

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>`, for `HTTP_PROXY` / `HTTPS_PROXY`. */
    readonly url: string,
  ) {}

  static async start(): Promise<ForwardProxy> {
    const server = createProxy(createServer())
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const proxy = new ForwardProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    server.on("request", (request) => proxy.seen.push(`${request.method} ${request.url}`))
    server.on("connect", (request) => proxy.seen.push(`CONNECT ${request.url}`))
    return proxy
  }

  /** Forgets what it saw. */
  reset(): void {
    this.seen.length = 0
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise((resolve) => this.server.close(resolve))
  }
}
