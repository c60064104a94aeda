/**
 * @sketchlog/core — whylogs-compatible profiles, sessions and the rolling logger.
 * Users import by concept; each area's public face is re-exported here.
 */

export * from "./adapter/index.js"
export * from "./drift/index.js"
export * from "./http/index.js"
export * from "./intake/index.js"
export * from "./logger/index.js"
export * from "./node/index.js"
export * from "./platform/index.js"
export * from "./profile/index.js"
export * from "./session/index.js"
export * from "./store/index.js"
export * from "./writers/index.js"
