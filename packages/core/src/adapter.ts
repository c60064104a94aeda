/**
 * `@sketchlog/core/adapter`: what a framework package needs to profile HTTP traffic — the shared
 * `HttpProfiler` (admit, record, log, status, close) and the ways to capture an exchange from a
 * platform's request and response. The Express, Nest and Next.js packages are built on it; so can
 * an adapter for another framework be.
 */
export * from "./capture/index.js"
// Option names, for packages that check their own options as core does (typos refused, the nearest named).
export {
  firstUnknownOption,
  nearestName,
  optionNamesOf,
  unknownOptionReason,
} from "./internal/optionNames.js"
export * from "./profiler/index.js"
