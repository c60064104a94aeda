import type { HttpExchange } from "../http/HttpExchange.js"
import { defaultBodyLimits } from "../http/HttpRowOptions.js"
import { isJsonMediaType, mediaType } from "../http/MediaType.js"

/**
 * What a fetch-style handler (Next.js route handlers, Hono, anything built on the web `Request` and
 * `Response`) knows about one finished exchange. Everything but `request` is optional.
 */
export interface WebExchangeInput {
  readonly request: Request
  /** The response returned; absent when the handler threw (the status is then `status`, or 500). */
  readonly response?: Response | undefined
  /** The route template (`/api/items/[id]`), never the raw path. */
  readonly route?: string | undefined
  /** When the request arrived, epoch milliseconds. */
  readonly startedAt?: number | undefined
  /** Time from arrival to the response, in milliseconds. */
  readonly durationMs: number
  /** The request body, already parsed from JSON (see `readJsonBody`). */
  readonly requestBody?: unknown
  /** The request body's size in bytes when known otherwise than by `content-length`. */
  readonly requestSize?: number | undefined
  /** The response body, already parsed from JSON (see `readJsonBody`). */
  readonly responseBody?: unknown
  /** The response body's size in bytes when known otherwise than by `content-length`. */
  readonly responseSize?: number | undefined
  /** The status, when there is no `response` or it should be overridden (an exception mapped to 500). */
  readonly status?: number | undefined
  /** What the handler threw; only its class name is profiled. */
  readonly error?: unknown
  /** True when the client went away first (the request's `signal` aborted). */
  readonly aborted?: boolean | undefined
}

/**
 * Builds the `HttpExchange` of a web `Request`/`Response` pair. Reads only what core reads anyway: the
 * method, the URL's path (for `ignore`/`datasetId` callbacks; never written to a row) and query keys,
 * the header maps (never their values), and the bodies the caller parsed. Never throws.
 */
export const webExchange = (input: WebExchangeInput): HttpExchange => {
  const { request, response } = input
  let path: string | undefined
  let query: URLSearchParams | undefined
  try {
    const url = new URL(request.url)
    path = url.pathname
    query = url.searchParams
  } catch {
    // A relative or malformed URL: no path for the callbacks, no query keys.
  }
  const status = input.status ?? response?.status ?? (input.error !== undefined ? 500 : 0)
  return {
    method: request.method,
    route: input.route,
    path,
    status,
    durationMs: input.durationMs,
    timestamp: input.startedAt,
    request: { headers: request.headers, body: input.requestBody, size: input.requestSize },
    response:
      response === undefined
        ? undefined
        : { headers: response.headers, body: input.responseBody, size: input.responseSize },
    query,
    error: input.error,
    aborted: input.aborted === true || request.signal?.aborted === true,
  }
}

/** A JSON body read by `readJsonBody`: the parsed value and the number of bytes it came from. */
export interface JsonBody {
  readonly value: unknown
  readonly bytes: number
}

/** Options of `readJsonBody`. */
export interface ReadJsonBodyOptions {
  /** Bodies larger than this are not read (default: core's `maxBodyBytes`, 1 MiB). */
  readonly maxBytes?: number
  /**
   * A body that delivers nothing for this long is abandoned (default 5 s): a stalled upload, or a
   * request body a server discarded once the response ended, would otherwise keep the read (and
   * whoever awaits it, e.g. a shutdown waiting for profiling work) pending forever.
   */
  readonly idleMillis?: number
}

/**
 * Reads the JSON body of a web `Request` or `Response` from a clone, leaving the original untouched
 * for the handler or the client. The clone is taken synchronously, so call this before the body is
 * consumed and await the result later (after the response is sent). Resolves to `undefined`, without
 * reading anything, when the body is absent, already used, not JSON by its `content-type`, or longer
 * than `maxBytes` by its `content-length`; a body of unknown length is read only up to `maxBytes` and
 * then abandoned. Never rejects: a body that is not valid JSON also gives `undefined`.
 */
export const readJsonBody = (
  message: Request | Response,
  options: ReadJsonBodyOptions = {},
): Promise<JsonBody | undefined> => {
  const maxBytes = options.maxBytes ?? defaultBodyLimits.maxBodyBytes
  const idleMillis = options.idleMillis ?? DEFAULT_IDLE_MILLIS
  let stream: ReadableStream<Uint8Array>
  try {
    if (message.body === null || message.bodyUsed) return Promise.resolve(undefined)
    const type = message.headers.get("content-type")
    if (type === null || !isJsonMediaType(mediaType(type))) return Promise.resolve(undefined)
    const length = message.headers.get("content-length")
    if (length !== null && !(Number(length) <= maxBytes)) return Promise.resolve(undefined)
    const body = message.clone().body
    if (body === null) return Promise.resolve(undefined)
    stream = body
  } catch {
    return Promise.resolve(undefined)
  }
  return readBounded(stream, maxBytes, idleMillis).then(
    (bytes) => {
      if (bytes === undefined) return undefined
      try {
        return { value: JSON.parse(new TextDecoder().decode(bytes)), bytes: bytes.byteLength }
      } catch {
        return undefined
      }
    },
    () => undefined,
  )
}

const DEFAULT_IDLE_MILLIS = 5_000

/** The reader's next chunk, or `undefined` when none came within `millis` (the timer never holds the process). */
const readWithin = <T>(
  reader: ReadableStreamDefaultReader<T>,
  millis: number,
): Promise<Awaited<ReturnType<ReadableStreamDefaultReader<T>["read"]>> | undefined> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const idle = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, millis, undefined)
    ;(timer as { unref?: () => void }).unref?.()
  })
  return Promise.race([reader.read(), idle]).finally(() => clearTimeout(timer))
}

/**
 * The stream's bytes, or `undefined` (and the stream cancelled) once it passes `maxBytes` or delivers
 * nothing for `idleMillis`.
 */
const readBounded = async (
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  idleMillis: number,
): Promise<Uint8Array | undefined> => {
  const reader = stream.getReader()
  const chunks: Array<Uint8Array> = []
  let total = 0
  for (;;) {
    const next = await readWithin(reader, idleMillis)
    if (next === undefined) {
      reader.cancel().catch(() => undefined)
      return undefined
    }
    const { done, value } = next
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      // Not awaited: cancelling one branch of a tee settles only once the other branch (the body the
      // handler or the client reads) is done too, and nothing here should wait for that.
      reader.cancel().catch(() => undefined)
      return undefined
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
