/**
 * Adapters: the framework-neutral pieces every HTTP framework package (Express, Nest, Next) is a
 * thin shell over, plus helpers for fetch-style frameworks (web `Request`/`Response` →
 * `HttpExchange`). The HTTP profiler itself (session, rolling logger, registry) joins once the rolling
 * logger has landed.
 */
export * from "./DeferredExchange.js"
export * from "./HttpProfilerError.js"
export { DEFAULT_PROFILE_DIR, PROFILE_DIR_ENV, resolveProfileDir } from "./internal/profileDirectory.js"
export * from "./WebExchange.js"
