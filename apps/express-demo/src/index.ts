/** The loan-scoring demo API: the app, a server to start, and the traffic `pnpm demo` sends. */
export { createApp, DEMO_DATASET, type DemoApp, type DemoAppOptions } from "./app.js"
export * from "./LoanApplication.js"
export * from "./LoanModel.js"
export { type DemoServer, start } from "./server.js"
export { applicant, seededRandom, sendTraffic, type TrafficOptions, type TrafficReport } from "./traffic.js"
