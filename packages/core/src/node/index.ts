/**
 * Node's side of @effect/platform, as sketchlog runs on it: file system, paths, terminal and an HTTP
 * client that follows the environment's proxy settings. Provide them to sketchlog's Effect operations
 * (`Session.layerWith`, `Login`, `updateConfigFile`, …) or to your own; they replace
 * @effect/platform-node, which sketchlog does not install.
 */

export * as NodeFileSystem from "./NodeFileSystem.js"
export * as NodeHttpClient from "./NodeHttpClient.js"
export * as NodePath from "./NodePath.js"
export * as NodeServices from "./NodeServices.js"
export * as NodeTerminal from "./NodeTerminal.js"
