import type { HttpProfilerOptions, JsonBody } from "@sketchlog/core/adapter"
import { type AfterFunction, runAfterResponse } from "./internal/afterResponse.js"
import { controlFlowStatus } from "./internal/controlFlow.js"
import { loadedNodePart, loadNodePart, type NodePart } from "./internal/loadNodePart.js"
import { processState, trackPending } from "./internal/processState.js"
import { captureRequestJson, type RequestBodyCapture } from "./internal/requestBodyCapture.js"
import { jsonGivenTo, watchResponseJson } from "./internal/responseJson.js"
import { explainEdgeOnce, isEdgeRuntime } from "./internal/runtime.js"
import { deriveRouteTemplate, type RouteParams } from "./RouteTemplate.js"

/**
 * An App Router route handler: a web `Request` (Next.js passes a `NextRequest`) and, for dynamic
 * routes, a context whose `params` is a promise (Next.js 15+) or an object (14).
 */
export type RouteHandler<Req extends Request = Request, Ctx = unknown> = (
  request: Req,
  context: Ctx,
) => Response | Promise<Response>

/** Options of `withSketchlog`. */
export interface WithSketchlogOptions {
  /**
   * The route template as the file system spells it (`/api/models/[id]`). Default: derived from the
   * request's path and its dynamic parameters (see `deriveRouteTemplate`).
   */
  readonly route?: string | undefined
  /**
   * Options of a profiler of this route's own (another dataset, other redactions). Default: the
   * profiler `register()` opened, else one with default options shared by every such route.
   */
  readonly profiler?: HttpProfilerOptions | undefined
  /**
   * Response bodies up to this many bytes are read, from a clone, when they are JSON; larger ones and
   * every non-JSON or streamed body are counted by size only. Default: core's body limit (1 MiB).
   * `0` never reads a response body, which saves the clone (about half the wrapper's own cost).
   */
  readonly maxResponseBodyBytes?: number | undefined
  /**
   * Schedules the profiling work after the response. Default: Next.js's `after()` (from
   * `next/server`), or, where that is unavailable, starting it at once without awaiting it.
   */
  readonly after?: AfterFunction | undefined
}

/**
 * Wraps an App Router route handler so that each request and its response are profiled:
 *
 * ```ts
 * export const POST = withSketchlog(async (req) => Response.json(await predict(await req.json())))
 * ```
 *
 * The handler gets the same request and its response goes out unchanged (the same object). The
 * request body is seen when the handler parses it with `json()` (or, when it leaves the body unread,
 * read after the response); a JSON response body is read from a clone when it is small; a stream is
 * never read. An error the handler throws is profiled with status 500 (or the status of Next.js's
 * `redirect()`/`notFound()`) and rethrown as it was. The profiling work runs after the response, in
 * Next.js's `after()` where available, so it adds no latency. On the edge runtime the handler is
 * returned as it is, with a one-line explanation.
 */
export function withSketchlog<Req extends Request, Ctx>(
  handler: RouteHandler<Req, Ctx>,
  options: WithSketchlogOptions = {},
): RouteHandler<Req, Ctx> {
  if (isEdgeRuntime()) {
    explainEdgeOnce()
    return handler
  }
  // Start loading core now, so the first request seldom has to wait for it.
  void loadNodePart().catch(() => undefined)
  watchResponseJson()
  return async function sketchlogRouteHandler(request: Req, context: Ctx): Promise<Response> {
    const startedAt = Date.now()
    const started = performance.now()
    const part = loadedNodePart()
    // The sampling lot is drawn on arrival; on a cold start (core still loading) once it has loaded.
    const admitted = part?.admit(options.profiler)
    if (admitted === false) return handler(request, context)
    const capture = captureRequestJson(request)
    let response: Response | undefined
    let thrown = false
    let error: unknown
    try {
      response = await handler(request, context)
    } catch (cause) {
      thrown = true
      error = cause
    }
    const durationMs = performance.now() - started
    // Looked up now: once the client has read the body, the value given to `Response.json` is out of reach.
    const given =
      response === undefined || options.maxResponseBodyBytes === 0 ? undefined : jsonGivenTo(response)
    const finished: Handled = {
      request,
      context,
      response,
      thrown,
      error,
      startedAt,
      durationMs,
      requestBody: capture,
      given,
    }
    if (part !== undefined) schedule(part, admitted, options, finished)
    else {
      // Cold start: core was still loading when the request came. The response goes out now (a
      // client that closes its side first would otherwise get nothing), and the exchange is profiled
      // once core has loaded, from a copy of a JSON body the client is being sent.
      let copy: Response | undefined
      try {
        if (
          response !== undefined &&
          options.maxResponseBodyBytes !== 0 &&
          given === undefined &&
          response.headers.get("content-type")?.includes("json")
        )
          copy = response.clone()
      } catch {
        // A body already used or locked is not read.
      }
      const handled = copy === undefined ? finished : { ...finished, response: copy }
      trackPending(
        loadNodePart()
          .then((node) => schedule(node, undefined, options, handled))
          .catch(() => undefined),
      )
    }
    if (thrown) throw error
    return response as Response
  }
}

/** What the handler gave back, before profiling starts. */
interface Handled {
  readonly request: Request
  readonly context: unknown
  readonly response: Response | undefined
  readonly thrown: boolean
  readonly error: unknown
  readonly startedAt: number
  readonly durationMs: number
  readonly requestBody: RequestBodyCapture
  /** The value given to `Response.json` for the response's body, if it was made so. */
  readonly given: { readonly value: unknown } | undefined
}

/**
 * Starts the reading of the response body (from the value given to `Response.json`, or a bounded
 * clone) and schedules the profiling task after the response. Never throws: profiling never changes
 * what the handler answered.
 */
const schedule = (
  node: NodePart,
  admitted: boolean | undefined,
  options: WithSketchlogOptions,
  handled: Handled,
): void => {
  try {
    if (!(admitted ?? node.admit(options.profiler))) return
    const { response, given } = handled
    const limit = options.maxResponseBodyBytes
    // A body made by `Response.json` is profiled as the value given (nothing is cloned); any
    // other JSON body is read from a bounded clone.
    const responseBody =
      response === undefined || limit === 0
        ? undefined
        : given !== undefined
          ? node.jsonBodyOf(given.value, limit)
          : node.readJsonBody(response, limit)
    const task = profileTask(node, options, { ...handled, responseBody })
    const mode = runAfterResponse(options.after ?? node.after(), task, trackPending)
    processState().scheduled[mode]++
  } catch {
    // Profiling never changes what the handler answered.
  }
}

/** What one finished request left for the profiling task. */
interface Finished extends Handled {
  readonly responseBody: Promise<JsonBody | undefined> | undefined
}

/** The work done after the response: finish reading bodies, find the route, hand the exchange to core. */
const profileTask =
  (node: NodePart, options: WithSketchlogOptions, done: Finished) => async (): Promise<void> => {
    const { request } = done
    let requestBody = done.requestBody.parsed
    let requestSize: number | undefined
    if (requestBody === undefined && !request.bodyUsed) {
      // The handler left the body unread: read it now, when nobody waits for the response any more.
      const read = await node.readJsonBody(request, undefined)
      if (read !== undefined) {
        requestBody = { value: read.value }
        requestSize = read.bytes
      }
    }
    const responseBody = await done.responseBody
    const route = options.route ?? deriveRouteTemplate(pathOf(request), await paramsOf(done.context))
    const controlStatus = done.thrown ? controlFlowStatus(done.error) : undefined
    node.recordWeb(options.profiler, {
      request,
      response: done.response,
      route,
      startedAt: done.startedAt,
      durationMs: done.durationMs,
      requestBody: requestBody?.value,
      requestSize,
      responseBody: responseBody?.value,
      responseSize: responseBody?.bytes,
      status: done.thrown ? (controlStatus ?? 500) : undefined,
      error: done.thrown && controlStatus === undefined ? done.error : undefined,
    })
  }

const pathOf = (request: Request): string => {
  try {
    return new URL(request.url).pathname
  } catch {
    return "/"
  }
}

/** The dynamic parameters from the handler's context (a promise since Next.js 15), if any. */
const paramsOf = async (context: unknown): Promise<RouteParams | undefined> => {
  if (typeof context !== "object" || context === null || !("params" in context)) return undefined
  try {
    const params = await (context as { params: unknown }).params
    return typeof params === "object" && params !== null ? (params as RouteParams) : undefined
  } catch {
    return undefined
  }
}
