import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { SketchlogMiddleware } from "@sketchlog/express"
import { createApp, type DemoAppOptions } from "./app.js"

/** A running demo server. */
export interface DemoServer {
  readonly server: Server
  /** `http://host:port` */
  readonly url: string
  readonly port: number
  readonly profiling: SketchlogMiddleware
  /** Stops accepting connections, waits for open requests, then writes every profile. */
  close(): Promise<void>
}

/**
 * Starts the demo API on `host:port` (port 0: a free port). Resolves once it listens and the
 * profiling session is open.
 */
export const start = async (
  port = 0,
  host = "127.0.0.1",
  options: DemoAppOptions = {},
): Promise<DemoServer> => {
  const { app, profiling } = createApp(options)
  await profiling.profiler.ready
  const server = createServer(app)
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, host, () => {
      server.off("error", reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    server,
    port: address.port,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    profiling,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeIdleConnections()
        })
        await profiling.close()
      })()
      return closing
    },
  }
}
