export * from "./fake-platform/index.js"
export * from "./vectors.js"
