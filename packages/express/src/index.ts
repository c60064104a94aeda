/**
 * @sketchlog/express — Express middleware that profiles every request and response with sketchlog:
 * `app.use(sketchlog({ datasetId: "model-1" }))`.
 */
export { errorHandler } from "./errorHandler.js"
export type { RequestSketchlog } from "./RequestSketchlog.js"
export type { SketchlogOptions } from "./SketchlogOptions.js"
export { shutdown } from "./shutdown.js"
export { type SketchlogMiddleware, sketchlog } from "./sketchlog.js"
