export * from "./vectors.js"
