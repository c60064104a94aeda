/**
 * `@sketchlog/core/testing`: what a user's own test suite needs to test code that logs. Compose the
 * layers with `@effect/vitest`:
 *
 * ```ts
 * const memory = new MemoryWriter()
 * const TestLive = RollingLogger.layerTest({ writers: [memory], datasetId: "model-1" })
 *   .pipe(Layer.provideMerge(Session.layerTest()))
 * ```
 *
 * `RollingLogger.layerTest` follows `TestClock` (schedules and missing timestamps), `Session.layerTest`
 * binds to a fake platform (`{ platform }`) or to nothing (a local session).
 */
export { RollingLogger } from "./logger/RollingLogger.js"
export { Session, type SessionTestOptions } from "./session/Session.js"
export {
  type MemoryWriteFilter,
  MemoryWriter,
  type MemoryWriterFailure,
} from "./writers/MemoryWriter.js"
export { type ProfileWriteOfOptions, profileWriteOf } from "./writers/profileWriteOf.js"
