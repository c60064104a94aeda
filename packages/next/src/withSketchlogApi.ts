import type { IncomingMessage, ServerResponse } from "node:http"
import type { HttpProfilerOptions } from "@sketchlog/core/adapter"
import { loadedNodePart, loadNodePart, type NodePart } from "./internal/loadNodePart.js"
import { explainEdgeOnce, isEdgeRuntime } from "./internal/runtime.js"
import { deriveRouteTemplate, type RouteParams } from "./RouteTemplate.js"

/** What a Pages Router API route receives: Node's request with the query and body Next.js parsed. */
export interface ApiRequest extends IncomingMessage {
  /** The query string's values and the dynamic route parameters, merged (Next.js's `req.query`). */
  readonly query: Partial<Record<string, string | Array<string>>>
  /** The body Next.js's body parser produced (parsed JSON for `application/json`). */
  readonly body?: unknown
}

/** What a Pages Router API route answers with: Node's response with Next.js's helpers. */
export interface ApiResponse extends ServerResponse {
  status(statusCode: number): ApiResponse
  json(body: unknown): void
  send(body: unknown): void
}

/** A Pages Router API route (`pages/api/**`). */
export type ApiHandler<Req extends ApiRequest = ApiRequest, Res extends ApiResponse = ApiResponse> = (
  req: Req,
  res: Res,
) => unknown

/** Options of `withSketchlogApi`. */
export interface WithSketchlogApiOptions {
  /**
   * The route template as the file system spells it (`/api/items/[id]`). Default: derived from the
   * request's path and the dynamic parameters in `req.query`.
   */
  readonly route?: string | undefined
  /** Options of a profiler of this route's own; default: the one `register()` opened. */
  readonly profiler?: HttpProfilerOptions | undefined
}

/**
 * Wraps a Pages Router API route so that each request and its response are profiled:
 *
 * ```ts
 * export default withSketchlogApi((req, res) => res.status(200).json(score(req.body)))
 * ```
 *
 * The request body is the one Next.js's body parser made (`req.body`), the response body the value
 * given to `res.json()` (or an object given to `res.send()`); other bodies count by size only. The
 * exchange is recorded when the response has been handed to the socket (or the client went away: it is
 * then counted as aborted), so nothing waits for profiling. An error the handler throws is recorded
 * with the status Next.js answers (500) and rethrown as it was.
 */
export function withSketchlogApi<Req extends ApiRequest, Res extends ApiResponse>(
  handler: ApiHandler<Req, Res>,
  options: WithSketchlogApiOptions = {},
): (req: Req, res: Res) => Promise<void> {
  if (isEdgeRuntime()) {
    explainEdgeOnce()
    return handler as (req: Req, res: Res) => Promise<void>
  }
  void loadNodePart().catch(() => undefined)
  return async function sketchlogApiRoute(req: Req, res: Res): Promise<void> {
    const startedAt = Date.now()
    const started = performance.now()
    const part = loadedNodePart()
    // The sampling lot is drawn on arrival; on a cold start (core still loading) once it has loaded.
    const admitted = part?.admit(options.profiler)
    if (admitted === false) {
      await handler(req, res)
      return
    }
    const sent = captureResponseJson(res)
    let error: { readonly value: unknown } | undefined
    res.once("close", () => {
      const durationMs = performance.now() - started
      const aborted = !res.writableFinished
      const record = (node: NodePart) => {
        try {
          if (admitted === undefined && !node.admit(options.profiler)) return
          const path = pathOf(req.url)
          const search = searchOf(req.url)
          node.recordExchange(options.profiler, {
            method: req.method ?? "GET",
            route: options.route ?? deriveRouteTemplate(path, paramsOf(req.query, search)),
            path,
            status: res.statusCode,
            durationMs,
            timestamp: startedAt,
            request: { headers: req.headers, body: req.body },
            response: { headers: res.getHeaders(), body: sent.body?.value },
            // The URL's own query, not `req.query`, which also holds the route's parameters.
            query: search,
            error: error?.value,
            aborted,
          })
        } catch {
          // This runs in a socket event: nothing here may throw into the server.
        }
      }
      const node = loadedNodePart()
      if (node !== undefined) record(node)
      else void loadNodePart().then(record, () => undefined)
    })
    try {
      await handler(req, res)
    } catch (cause) {
      error = { value: cause }
      throw cause
    }
  }
}

/** Keeps the value the handler sends as JSON, without changing what is sent. */
const captureResponseJson = (res: ApiResponse): { body: { value: unknown } | undefined } => {
  const sent: { body: { value: unknown } | undefined } = { body: undefined }
  const json = res.json
  const send = res.send
  if (typeof json === "function") {
    res.json = function (this: ApiResponse, body: unknown) {
      sent.body = { value: body }
      return json.call(this, body)
    }
  }
  if (typeof send === "function") {
    res.send = function (this: ApiResponse, body: unknown) {
      // `res.json` ends in `res.send(string)`; only an object given to `send` is JSON it makes itself.
      if (sent.body === undefined && isJsonValue(body)) sent.body = { value: body }
      return send.call(this, body)
    }
  }
  return sent
}

const isJsonValue = (body: unknown): boolean =>
  typeof body === "object" &&
  body !== null &&
  !ArrayBuffer.isView(body) &&
  !(body instanceof ArrayBuffer) &&
  typeof (body as { pipe?: unknown }).pipe !== "function"

const pathOf = (url: string | undefined): string => {
  if (url === undefined) return "/"
  const end = url.search(/[?#]/)
  return end === -1 ? url : url.slice(0, end)
}

const searchOf = (url: string | undefined): URLSearchParams => {
  const start = url?.indexOf("?") ?? -1
  if (url === undefined || start === -1) return new URLSearchParams()
  const end = url.indexOf("#", start)
  return new URLSearchParams(url.slice(start + 1, end === -1 ? undefined : end))
}

/**
 * The candidates for dynamic parameters: Next.js merges them into `req.query`. Keys the URL's query
 * string does not carry can only be parameters, so they go last and are placed first (from the
 * right); the others only ever match a segment when their value spells one.
 */
const paramsOf = (query: ApiRequest["query"] | undefined, search: URLSearchParams): RouteParams => {
  const fromQuery: Array<[string, string | ReadonlyArray<string> | undefined]> = []
  const onlyParams: Array<[string, string | ReadonlyArray<string> | undefined]> = []
  for (const [key, value] of Object.entries(query ?? {})) {
    ;(search.has(key) ? fromQuery : onlyParams).push([key, value])
  }
  return Object.fromEntries([...fromQuery, ...onlyParams])
}
