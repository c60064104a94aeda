import type { Server } from "node:http"
import type { AddressInfo } from "node:net"

/** A listening test server on 127.0.0.1 with an ephemeral port. */
export interface Listening {
  readonly url: string
  readonly server: Server
  /** Stops listening and ends idle keep-alive connections. */
  close(): Promise<void>
}

/** Starts `app` with `app.listen(0, "127.0.0.1")`, as a user would. */
export const listen = async (app: { listen(port: number, host: string): Server }): Promise<Listening> => {
  const server = app.listen(0, "127.0.0.1")
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve)
    server.once("error", reject)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }),
  }
}
