/**
 * @sketchlog/core — whylogs-compatible profiles, sessions and the rolling logger.
 *
 * The root holds what an application types: open a session (`init`), log rows
 * (`createRollingLogger`), read and write profiles (`DatasetProfile`, `DatasetProfileView`), pick
 * writers, the Effect services (`Session`, `RollingLogger`) and the errors to catch. Everything else
 * is imported by area: `@sketchlog/core/profile`, `/session`, `/logger`, `/writers`, `/http`,
 * `/drift`, `/intake`, `/platform`, `/store`, `/node` (Node layers for Effect users), `/adapter` (for
 * framework packages) and `/testing`.
 */

export type { FlushResult } from "./logger/FlushResult.js"
export {
  LoggerClosedError,
  LoggerOptionsError,
  RowsDroppedError,
  WriteFailedError,
} from "./logger/LoggerError.js"
export type { CreateRollingLoggerOptions, RollingLoggerOptions } from "./logger/LoggerOptions.js"
export type { LoggerStatus } from "./logger/LoggerStatus.js"
export { RollingLogger } from "./logger/RollingLogger.js"
export { createRollingLogger, RollingLoggerHandle } from "./logger/RollingLoggerHandle.js"
export type { LogOptions } from "./logger/RollingLoggerService.js"
export { PlatformError } from "./platform/PlatformError.js"
export { ColumnProfileView } from "./profile/ColumnProfileView.js"
export { DatasetProfile, type Row } from "./profile/DatasetProfile.js"
export { DatasetProfileView } from "./profile/DatasetProfileView.js"
export { ProfileArgumentError, ProfileFormatError, ProfileIOError } from "./profile/ProfileError.js"
export { Session } from "./session/Session.js"
export { ApiKeyError, ConfigError, SessionClosedError, SessionInitError } from "./session/SessionError.js"
export { SessionHandle } from "./session/SessionHandle.js"
export { init } from "./session/SessionInit.js"
export type { SessionOptions } from "./session/SessionOptions.js"
export { LocalWriter } from "./writers/LocalWriter.js"
export { WhyLabsWriter } from "./writers/WhyLabsWriter.js"
export { type ProfileWrite, promiseWriter, type Writer } from "./writers/Writer.js"
export { WriterError, WriterOptionsError } from "./writers/WriterError.js"
