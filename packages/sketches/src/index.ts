/**
 * @sketchlog/sketches — Apache DataSketches-compatible sketches (and the whylogs variant of KLL),
 * with no run-time dependencies.
 */
export * from "./frequent/index.js"
export * from "./hash/index.js"
export * from "./hll/index.js"
export * from "./kll/index.js"
export * from "./SketchError.js"
