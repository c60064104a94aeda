/**
 * The rolling logger: an actor that takes rows from many concurrent callers through one bounded
 * queue, profiles them by dataset × time bucket × segment, and writes the profiles on a wall-clock
 * schedule, on flush and on close. Effect face: the `RollingLogger` service and its layers. Promise
 * face: `createRollingLogger()` and `RollingLoggerHandle`.
 */
export type { FlushResult, WriteFailure } from "./FlushResult.js"
export { describeLocalWrites } from "./LocalWritesNotice.js"
export { EmbeddingColumns, LogEmbeddings } from "./LogEmbeddings.js"
export { LoggerClosedError, LoggerOptionsError, RowsDroppedError, WriteFailedError } from "./LoggerError.js"
export {
  type CreateRollingLoggerOptions,
  type DatasetOptions,
  LoggerDefaults,
  type LoggerMode,
  type OverflowPolicy,
  type RollingLoggerOptions,
  type WorkerOptions,
} from "./LoggerOptions.js"
export type { BucketStatus, DropReason, LoggerStatus, LoggerWriterStatus } from "./LoggerStatus.js"
export { LogRequest, LogRequestData } from "./LogRequest.js"
export { RollingLogger } from "./RollingLogger.js"
export { createRollingLogger, RollingLoggerHandle } from "./RollingLoggerHandle.js"
export type { LogError, LogOptions, LogRequestInput, RollingLoggerService } from "./RollingLoggerService.js"
export { nextWriteTime, schedulePeriod, type WriteCadence, type WriteSchedule } from "./WriteSchedule.js"
