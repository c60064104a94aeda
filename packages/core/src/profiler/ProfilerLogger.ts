import { join, sep } from "node:path"
import { HttpColumn } from "../http/HttpColumns.js"
import { describeLocalWrites } from "../logger/LocalWritesNotice.js"
import { LoggerDefaults } from "../logger/LoggerOptions.js"
import { createRollingLogger, type RollingLoggerHandle } from "../logger/RollingLoggerHandle.js"
import type { SessionHandle } from "../session/SessionHandle.js"
import { StoreWriter } from "../store/StoreWriter.js"
import { resolveStoreUrl } from "../store/storeUrl.js"
import { LocalWriter } from "../writers/LocalWriter.js"
import { resolveProfileDir } from "../writers/ProfileDirectory.js"
import { WhyLabsWriter } from "../writers/WhyLabsWriter.js"
import type { HttpProfilerOptions } from "./HttpProfilerOptions.js"

/**
 * Where a profiler's profiles stay when no session is configured, for the local-mode notice:
 * "in /app/sketchlog-profiles/<dataset>/ (the first file 10 s after the first request, then …)";
 * undefined when they go elsewhere (a store, writers of the options' own).
 */
export const localProfilesOf = (options: HttpProfilerOptions): string | undefined => {
  const loggerOptions = options.logger ?? {}
  if (loggerOptions.writers !== undefined) return undefined
  if (resolveStoreUrl(options.store ?? loggerOptions.store) !== undefined) return undefined
  const dir = join(resolveProfileDir(options.profileDir), "<dataset>")
  return `in ${dir}${sep} (${describeLocalWrites(loggerOptions.firstWrite, loggerOptions.writeSchedule, "request")})`
}

/** A profiler's running logger, and where its local profiles go (undefined when it uploads). */
export interface ProfilerLogger {
  readonly logger: RollingLoggerHandle
  readonly profileDir: string | undefined
}

/**
 * Starts the rolling logger of a profiler: a `StoreWriter` when a profile store is named (the `store`
 * option, else `SKETCHLOG_STORE`), else the writers the session calls for (a `LocalWriter` to the
 * profile directory in local mode, a `WhyLabsWriter` otherwise) unless the options give writers,
 * drop on overload unless they ask for back-pressure, the outbox under the profile directory.
 */
export const startProfilerLogger = (
  options: HttpProfilerOptions,
  session: SessionHandle,
  datasetId: string,
  segmentOn: ReadonlyArray<string>,
): ProfilerLogger => {
  const dir = resolveProfileDir(options.profileDir)
  const loggerOptions = options.logger ?? {}
  const uploads = session.kind !== "local"
  const store = resolveStoreUrl(options.store ?? loggerOptions.store)
  const localFiles =
    !uploads &&
    store === undefined &&
    loggerOptions.writers === undefined &&
    loggerOptions.writeSchedule !== null
  const logger = createRollingLogger({
    // The server must never wait for profiling nor buffer without bound: rows that do not fit
    // are dropped and counted unless the user asks for back-pressure.
    overflow: "drop",
    outboxDir: join(dir, ".outbox"),
    // Local files come early (the first soon after the first request); uploads and stores keep
    // to the schedule.
    ...(localFiles ? { firstWrite: LoggerDefaults.firstWriteLocal } : {}),
    ...loggerOptions,
    profileDir: dir,
    // A duration can happen to be whole (2 ms); declared, its column is always fractional.
    schema: { [HttpColumn.durationMs]: "fractional", ...loggerOptions.schema },
    store: undefined,
    writers: loggerOptions.writers ?? [
      store !== undefined
        ? new StoreWriter({ store })
        : uploads
          ? new WhyLabsWriter({ session })
          : new LocalWriter({ dir }),
    ],
    session,
    datasetId,
    segmentOn,
  })
  return { logger, profileDir: uploads || store !== undefined ? undefined : dir }
}
