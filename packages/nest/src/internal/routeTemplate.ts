import { PATH_METADATA } from "@nestjs/common/constants.js"

/**
 * The route template the HTTP platform matched, as it registered it (Nest registers each handler's
 * full path, global prefix, version and module path included): Express's `req.route.path`, Fastify's
 * `request.routeOptions.url`. `undefined` when the platform has not matched a route (404) or is
 * neither. Reads only.
 */
export const platformRoute = (request: unknown): string | undefined => {
  if (typeof request !== "object" || request === null) return undefined
  const r = request as { route?: { path?: unknown }; routeOptions?: { url?: unknown } }
  const express = r.route?.path
  if (typeof express === "string") return express
  const fastify = r.routeOptions?.url
  return typeof fastify === "string" ? fastify : undefined
}

/**
 * The route template from Nest's own metadata, for platforms that do not report one: the global
 * prefix, the controller's path and the handler's path, joined (`/api` + `users` + `:id` →
 * `/api/users/:id`). Of several paths, the first. Versions and `RouterModule` paths are not known
 * here; Express and Fastify report them through `platformRoute`.
 */
export const metadataRoute = (
  globalPrefix: string,
  controller: Function,
  handler: Function,
): string | undefined => {
  const controllerPath = firstPath(Reflect.getMetadata(PATH_METADATA, controller))
  const handlerPath = firstPath(Reflect.getMetadata(PATH_METADATA, handler))
  if (controllerPath === undefined && handlerPath === undefined) return undefined
  const parts = [globalPrefix, controllerPath ?? "", handlerPath ?? ""]
    .flatMap((part) => part.split("/"))
    .filter((segment) => segment !== "")
  return `/${parts.join("/")}`
}

const firstPath = (value: unknown): string | undefined => {
  if (typeof value === "string") return value
  if (Array.isArray(value) && typeof value[0] === "string") return value[0]
  return undefined
}
