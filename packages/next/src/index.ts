/**
 * @sketchlog/next — profile Next.js route handlers and API routes with sketchlog.
 *
 * This entry imports nothing Node-only at its top level: core (sessions, files, the rolling logger)
 * is loaded on first use, and only on the Node.js runtime. Edge bundles get `./edge.js` instead,
 * through the `edge-light` and `worker` export conditions.
 */
export * from "./RouteTemplate.js"
export * from "./register.js"
export * from "./status.js"
export * from "./withSketchlog.js"
export * from "./withSketchlogApi.js"
