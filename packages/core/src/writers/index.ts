/**
 * Writers store the profiles the rolling logger produces: `LocalWriter` (files), `WhyLabsWriter`
 * (uploads through the session), `promiseWriter` (your own async function). Failed writes are retried
 * (`RetryPolicy.writes`, from `@sketchlog/core/platform`) and then kept in the on-disk `Outbox` until they succeed.
 */
export { LocalWriter, type LocalWriterOptions } from "./LocalWriter.js"
export { Outbox, type OutboxEntry, OutboxError } from "./Outbox.js"
export {
  DEFAULT_PROFILE_DIR,
  PROFILE_DIR_ENV,
  type ProfileDirEnvironment,
  resolveProfileDir,
  startDirectory,
} from "./ProfileDirectory.js"
export { WhyLabsWriter, type WhyLabsWriterOptions } from "./WhyLabsWriter.js"
export {
  type ProfileWrite,
  type PromiseWriterOptions,
  promiseWriter,
  type WriteReceipt,
  type Writer,
} from "./Writer.js"
export { WriterError, WriterOptionsError } from "./WriterError.js"
