export * from "./fake-platform/index.js"
export * from "./samples/index.js"
export * from "./vectors.js"
