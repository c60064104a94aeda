import type * as Http from "node:http"
import { Readable } from "node:stream"

// Statuses whose responses have no body (the fetch standard's "null body status").
const NO_BODY = new Set([101, 103, 204, 205, 304])

/**
 * A web `Response` over a Node response, streaming its body (so @effect/platform's
 * `HttpClientResponse.fromWeb` can serve every way of reading it). Every header line is kept, repeated
 * ones (`set-cookie`) included. Throws when the status or a header is one a web `Response` cannot hold.
 */
export const webResponse = (incoming: Http.IncomingMessage, method: string): Response => {
  const headers = new Headers()
  const raw = incoming.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string)
  const status = incoming.statusCode ?? 0
  const body = NO_BODY.has(status) || method === "HEAD" ? null : (Readable.toWeb(incoming) as ReadableStream)
  if (body === null) incoming.resume()
  return new Response(body, { status, headers })
}
