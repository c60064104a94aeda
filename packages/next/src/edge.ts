/**
 * @sketchlog/next on the edge runtime (the `edge-light` and `worker` export conditions): the same
 * names as the Node.js entry, but nothing is profiled there, because the rolling logger and its
 * writers need Node.js. Each function prints one line saying so (once per isolate) and leaves the
 * handler as it is. Imports nothing but the route-template helper and the notice.
 */

import { explainEdgeOnce } from "./internal/runtime.js"
import type { SketchlogNextOptions } from "./register.js"
import type { RouteHandler, WithSketchlogOptions } from "./withSketchlog.js"
import type { ApiHandler, ApiRequest, ApiResponse, WithSketchlogApiOptions } from "./withSketchlogApi.js"

export * from "./RouteTemplate.js"
export type { SketchlogNextOptions } from "./register.js"
export * from "./status.js"
export type { RouteHandler, WithSketchlogOptions } from "./withSketchlog.js"
export type { ApiHandler, ApiRequest, ApiResponse, WithSketchlogApiOptions } from "./withSketchlogApi.js"

/** On the edge runtime: explains once that profiling is off. */
export const register = async (_options: SketchlogNextOptions = {}): Promise<void> => {
  explainEdgeOnce()
}

/** On the edge runtime: returns the handler unchanged, after explaining once that profiling is off. */
export function withSketchlog<Req extends Request, Ctx>(
  handler: RouteHandler<Req, Ctx>,
  _options: WithSketchlogOptions = {},
): RouteHandler<Req, Ctx> {
  explainEdgeOnce()
  return handler
}

/** On the edge runtime: returns the handler unchanged, after explaining once that profiling is off. */
export function withSketchlogApi<Req extends ApiRequest, Res extends ApiResponse>(
  handler: ApiHandler<Req, Res>,
  _options: WithSketchlogApiOptions = {},
): (req: Req, res: Res) => Promise<void> {
  explainEdgeOnce()
  return handler as (req: Req, res: Res) => Promise<void>
}
