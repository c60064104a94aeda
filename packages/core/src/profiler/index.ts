/**
 * The HTTP profiler every framework package (Express, Nest, Next) is a thin shell over: session
 * resolution, the rolling logger and its writers, exchange → row mapping off the response path,
 * manual logging, status and shutdown, shared process-wide by configuration.
 */
export {
  createHttpProfiler,
  type HttpProfiler,
  type HttpProfilerLogger,
  type ProfilerLogOptions,
  type RecordOptions,
} from "./HttpProfiler.js"
export { HttpProfilerError } from "./HttpProfilerError.js"
export type { HttpProfilerLoggerOptions, HttpProfilerOptions } from "./HttpProfilerOptions.js"
export {
  closeSharedHttpProfilers,
  type HttpProfilerHold,
  holdSharedHttpProfiler,
  sharedHttpProfiler,
  sharedHttpProfilers,
} from "./HttpProfilerRegistry.js"
export type { HttpProfilerDropReason, HttpProfilerState, HttpProfilerStatus } from "./HttpProfilerStatus.js"
