/** The loan-scoring demo API: the app, a server to start, and the traffic `pnpm demo` sends. */

// The model and its population, re-exported so this package stays the one import for a demo server.
export * from "@sketchlog/loan-model"
export { createApp, DEMO_DATASET, type DemoApp, type DemoAppOptions } from "./app.js"
export { type DemoServer, start } from "./server.js"
export { sendTraffic, type TrafficOptions, type TrafficReport } from "./traffic.js"
