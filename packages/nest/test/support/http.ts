import type { INestApplication } from "@nestjs/common"

/** One request a test sends, and the status it expects back. */
export interface Call {
  readonly method: string
  readonly path: string
  /** A value sent as JSON, or a string sent as it is with a JSON content type (malformed JSON). */
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** Sends `call` to `base` and returns the status, having read the whole response. */
export const send = async (base: string, call: Call): Promise<number> => {
  const hasBody = call.body !== undefined
  const response = await fetch(base + call.path, {
    method: call.method,
    headers: { ...(hasBody ? { "content-type": "application/json" } : {}), ...call.headers },
    ...(hasBody ? { body: typeof call.body === "string" ? call.body : JSON.stringify(call.body) } : {}),
  })
  await response.arrayBuffer()
  return response.status
}

/** Sends every call `times` times, in order, and returns the statuses received. */
export const sendAll = async (
  base: string,
  calls: ReadonlyArray<Call>,
  times = 1,
): Promise<Array<number>> => {
  const statuses: Array<number> = []
  for (let i = 0; i < times; i++) for (const call of calls) statuses.push(await send(base, call))
  return statuses
}

/** Listens on a free loopback port, as the tests require, and returns the base URL. */
export const listen = async (app: INestApplication): Promise<string> => {
  await app.listen(0, "127.0.0.1")
  const address = app.getHttpServer().address() as { port: number }
  return `http://127.0.0.1:${address.port}`
}
