import { Reflector } from "@nestjs/core"
import { ExceptionsHandler } from "@nestjs/core/exceptions/exceptions-handler.js"
import { RouterExecutionContext } from "@nestjs/core/router/router-execution-context.js"
import { HandlerProfiles } from "./HandlerProfile.js"
import { nestCaptures, nodeRequest } from "./RequestCapture.js"
import { platformRoute } from "./routeTemplate.js"

type RouteHandler = (req: unknown, res: unknown, next: unknown) => unknown
type Create = (
  this: RouterExecutionContext,
  instance: object,
  callback: Function,
  ...rest: Array<unknown>
) => RouteHandler
type Next = (
  this: ExceptionsHandler,
  exception: unknown,
  host: { getArgByIndex(index: number): unknown },
) => void

const HOOKED = Symbol.for("sketchlog.nest.handler-hooks")
const reflector = new Reflector()

/** The handler profiles of each application (its router's context), for its global prefix. */
const profilesOf = new WeakMap<object, HandlerProfiles>()

const globalPrefixOf = (context: RouterExecutionContext): string => {
  const config = (
    context as unknown as { interceptorsContextCreator?: { config?: { getGlobalPrefix?(): string } } }
  ).interceptorsContextCreator?.config
  try {
    return config?.getGlobalPrefix?.() ?? ""
  } catch {
    return ""
  }
}

/**
 * Notes, for each request that reaches a route handler, what only Nest knows about it — the handler's
 * `@SkipProfiling` / `@ProfileDataset`, the route template, the platform's request and response — and
 * what its guards, pipes or handler threw, without a global interceptor: an interceptor makes Nest run
 * its interceptor chain (observables, a subject per request) on every request, which costs more than
 * profiling it. Instead, once per process, each route handler Nest builds (`RouterExecutionContext`,
 * as the application registers its routes) is wrapped with a function that knows its handler's profile
 * (read from metadata once per route), and the exceptions handler of every route
 * (`ExceptionsHandler.next`) notes what it is given. Both only look the request up and forward the
 * call; a request no `SessionModule` captures passes through untouched. Call it before the application
 * registers its routes (while the module is created).
 */
export const hookHandlers = (): void => {
  const contextProto = RouterExecutionContext.prototype as unknown as Record<PropertyKey, unknown>
  if (contextProto[HOOKED] === true) return
  contextProto[HOOKED] = true
  const create = contextProto.create as Create
  contextProto.create = function sketchlogCreate(
    this: RouterExecutionContext,
    instance: object,
    callback: Function,
    ...rest: Array<unknown>
  ): RouteHandler {
    const handle = create.call(this, instance, callback, ...rest)
    let profiles = profilesOf.get(this)
    if (profiles === undefined) {
      profiles = new HandlerProfiles(reflector, () => globalPrefixOf(this))
      profilesOf.set(this, profiles)
    }
    const profile = profiles.of(instance.constructor, callback)
    return function sketchlogHandler(req: unknown, res: unknown, next: unknown) {
      const slot = nestCaptures.slotOf(nodeRequest(req))
      // A second SessionModule finds the handler already noted and leaves it to the first.
      if (slot >= 0 && nestCaptures.handlerOf(slot) === undefined) {
        const route = profile.skip ? undefined : (platformRoute(req) ?? profile.metadataRoute)
        nestCaptures.noteHandler(slot, profile, route, req, res)
      }
      return handle(req, res, next)
    }
  }
  const handlerProto = ExceptionsHandler.prototype as unknown as Record<PropertyKey, unknown>
  const next = handlerProto.next as Next
  handlerProto.next = function sketchlogNext(
    this: ExceptionsHandler,
    exception: unknown,
    host: { getArgByIndex(index: number): unknown },
  ): void {
    try {
      const req = host?.getArgByIndex(0)
      const slot = typeof req === "object" && req !== null ? nestCaptures.slotOf(nodeRequest(req)) : -1
      if (slot >= 0 && nestCaptures.isOpen(slot)) nestCaptures.setError(slot, exception)
    } catch {
      // Whatever the host holds, the exception still goes to Nest's filters.
    }
    next.call(this, exception, host)
  }
}
