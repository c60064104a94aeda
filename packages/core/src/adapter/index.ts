/**
 * Adapters: the framework-neutral HTTP profiler every framework package (Express, Nest, Next) is a
 * thin shell over — session resolution, the rolling logger and its writers, exchange → row mapping
 * off the response path, manual logging, status and shutdown — plus helpers for fetch-style
 * frameworks (web `Request`/`Response` → `HttpExchange`).
 */
export * from "./DeferredExchange.js"
export {
  createHttpProfiler,
  type HttpProfiler,
  type HttpProfilerLogger,
  type ProfilerLogOptions,
  type RecordOptions,
} from "./HttpProfiler.js"
export * from "./HttpProfilerError.js"
export * from "./HttpProfilerOptions.js"
export * from "./HttpProfilerRegistry.js"
export * from "./HttpProfilerStatus.js"
export { DEFAULT_PROFILE_DIR, PROFILE_DIR_ENV, resolveProfileDir } from "./internal/profileDirectory.js"
export * from "./WebExchange.js"
