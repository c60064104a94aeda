/**
 * What the HTTP benchmarks (express, nest, next) share: CPU pinning, server child processes, autocannon
 * runs, per-request counts (instructions under callgrind, bytes allocated), the request body and the
 * median of rounds. A subpath of its own (`@sketchlog/test-fixtures/bench`),
 * so tests that import the fake platform never load autocannon.
 */
export { type AllocationCount, type AllocationRun, countAllocations } from "./Allocations.js"
export { benchApplication } from "./BenchApplication.js"
export {
  askServer,
  type BenchServer,
  mainCpuAdded,
  runOnly,
  runRounds,
  type ServerCpuTimes,
  type ServerSaturation,
  saturateServer,
  serverCpuTimes,
  startBenchServer,
  stopBenchServers,
} from "./BenchServer.js"
export { type CallgrindCount, type CallgrindRun, countInstructions } from "./Callgrind.js"
export { pinToCpu, spawnNode } from "./CpuPinning.js"
export { freePort } from "./FreePort.js"
export { type PerRequestMeasure, printPerRequestCounts } from "./PerRequestCounts.js"
export { inRoundOrder, median } from "./Rounds.js"
export { type BenchRequest, type Saturation, saturate } from "./Saturation.js"
