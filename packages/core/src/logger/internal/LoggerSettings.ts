import { join } from "node:path"
import { Duration, Effect, Option } from "effect"
import { firstUnknownOption } from "../../internal/optionNames.js"
import { RetryPolicy, retryPolicyNames } from "../../platform/RetryPolicy.js"
import type { SessionService } from "../../session/SessionService.js"
import { StoreWriter } from "../../store/StoreWriter.js"
import { resolveStoreUrl } from "../../store/storeUrl.js"
import { LocalWriter } from "../../writers/LocalWriter.js"
import { resolveProfileDir } from "../../writers/ProfileDirectory.js"
import { WhyLabsWriter } from "../../writers/WhyLabsWriter.js"
import type { Writer } from "../../writers/Writer.js"
import { LoggerOptionsError } from "../LoggerError.js"
import {
  LoggerDefaults,
  type LoggerMode,
  type OverflowPolicy,
  type RollingLoggerOptions,
  rollingLoggerOptionNames,
  workerOptionNames,
} from "../LoggerOptions.js"
import { type DatasetConfig, resolveDatasetConfig } from "./DatasetConfig.js"

/** A logger's options with every default applied, checked. */
export interface LoggerSettings {
  /** The logger's own dataset options (datasets' `loggerOptions` apply over them). */
  readonly base: DatasetConfig
  readonly defaultWriters: ReadonlyArray<Writer>
  /** The folder the default `LocalWriter` writes to, when the logger chose one (local mode). */
  readonly localProfileDir: string | undefined
  readonly outboxDir: string | undefined
  readonly overflow: OverflowPolicy
  readonly mode: LoggerMode
  readonly queueCapacity: number
  readonly batchSize: number
  readonly batchWindow: Duration.Duration
  readonly closeTimeout: Duration.Duration
  readonly retry: RetryPolicy
  /** The dataset of rows that name none: the `datasetId` option, else the session's default. */
  readonly defaultDatasetId: string | undefined
  /** Worker mode: post buffered rows at this many, or every `postEveryMillis`. */
  readonly postRows: number
  readonly postEveryMillis: number
  readonly maxRestarts: number
}

const positiveInteger = (option: string, value: number | undefined, fallback: number): number => {
  const n = value ?? fallback
  if (!Number.isInteger(n) || n < 1)
    throw new LoggerOptionsError({ option, reason: `must be a positive integer, got ${value}` })
  return n
}

const duration = (
  option: string,
  value: Duration.DurationInput | undefined,
  fallback: Duration.DurationInput,
): Duration.Duration => {
  const decoded = Duration.decodeUnknown(value ?? fallback)
  if (Option.isNone(decoded))
    throw new LoggerOptionsError({ option, reason: `is not a duration: ${String(value)}` })
  return decoded.value
}

const oneOf = <A extends string>(option: string, value: A, allowed: ReadonlyArray<A>): A => {
  if (!allowed.includes(value)) {
    const choices = allowed.map((a) => JSON.stringify(a)).join(" or ")
    throw new LoggerOptionsError({ option, reason: `must be ${choices}, got ${String(value)}` })
  }
  return value
}

/** Checks the writers of one dataset: at least one, each with a `write` and a name unique among them. */
export const checkWriters = (option: string, writers: ReadonlyArray<Writer>): ReadonlyArray<Writer> => {
  if (!Array.isArray(writers) || writers.length === 0)
    throw new LoggerOptionsError({ option, reason: "give at least one writer" })
  const names = new Set<string>()
  for (const writer of writers) {
    if (typeof writer?.write !== "function" || typeof writer.name !== "string" || writer.name.length === 0)
      throw new LoggerOptionsError({ option, reason: "a writer needs a name and a write function" })
    if (names.has(writer.name))
      throw new LoggerOptionsError({ option, reason: `two writers are named ${JSON.stringify(writer.name)}` })
    names.add(writer.name)
  }
  return writers
}

/** Refuses an option name `known` does not hold (`prefix`: whose options, e.g. `worker`). */
const checkNames = (options: unknown, known: ReadonlyArray<string>, prefix = ""): void => {
  const unknown = firstUnknownOption(options, known)
  if (unknown !== undefined)
    throw new LoggerOptionsError({ option: `${prefix}${unknown.option}`, reason: unknown.reason })
}

/**
 * A logger's settings from its options: defaults applied (a `StoreWriter` when a store is named, the
 * `store` option or `SKETCHLOG_STORE`; else a `LocalWriter` to the profile directory (`profileDir`,
 * `SKETCHLOG_PROFILE_DIR`, `./sketchlog-profiles`) for a local session, else a `WhyLabsWriter`; the
 * outbox inside a directory store, or beside the first `LocalWriter`'s folder; in local mode an
 * early first write), every option checked, unknown names refused. Fails with `LoggerOptionsError`
 * naming the option.
 */
export const resolveLoggerSettings = (
  options: RollingLoggerOptions,
  session: SessionService,
): Effect.Effect<LoggerSettings, LoggerOptionsError> =>
  Effect.try({
    try: (): LoggerSettings => {
      checkNames(options, rollingLoggerOptionNames)
      if (options.worker !== undefined) checkNames(options.worker, workerOptionNames, "worker.")
      if (options.retry !== undefined) checkNames(options.retry, retryPolicyNames, "retry.")
      if (
        options.profileDir !== undefined &&
        (typeof options.profileDir !== "string" || options.profileDir === "")
      )
        throw new LoggerOptionsError({ option: "profileDir", reason: "must be a non-empty string" })
      const resolved = resolveDatasetConfig(options, undefined)
      if (options.store !== undefined && options.writers !== undefined)
        throw new LoggerOptionsError({
          option: "store",
          reason: "give store or writers, not both (add a StoreWriter to the writers instead)",
        })
      const store = options.writers === undefined ? resolveStoreUrl(options.store) : undefined
      const profileDir = resolveProfileDir(options.profileDir)
      const localProfileDir =
        store === undefined && options.writers === undefined && session.kind === "local"
          ? profileDir
          : undefined
      const defaultWriters =
        store !== undefined
          ? [new StoreWriter({ store })]
          : options.writers === undefined
            ? localProfileDir !== undefined
              ? [new LocalWriter({ dir: localProfileDir })]
              : [new WhyLabsWriter({ session })]
            : checkWriters("writers", options.writers)
      // Local files of the logger's own choosing appear early (the first write soon after the first
      // row); uploads, stores and the user's writers keep to the schedule alone.
      const base =
        options.firstWrite === undefined && localProfileDir !== undefined && resolved.writeSchedule !== null
          ? {
              ...resolved,
              firstWriteMillis: Duration.toMillis(Duration.decode(LoggerDefaults.firstWriteLocal)),
            }
          : resolved
      // A directory store keeps its outbox inside, as LocalWriter does (hidden entries are not listed).
      const firstLocal =
        store !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(store)
          ? { dir: store }
          : defaultWriters.find((w): w is LocalWriter => w instanceof LocalWriter)
      const outboxDir =
        options.outboxDir === false
          ? undefined
          : (options.outboxDir ?? join(firstLocal?.dir ?? profileDir, ".outbox"))
      const queueCapacity = positiveInteger(
        "queueCapacity",
        options.queueCapacity,
        LoggerDefaults.queueCapacity,
      )
      return {
        base,
        defaultWriters,
        localProfileDir,
        outboxDir,
        overflow: oneOf("overflow", options.overflow ?? LoggerDefaults.overflow, ["block", "drop"]),
        mode: oneOf("mode", options.mode ?? LoggerDefaults.mode, ["in-thread", "worker"]),
        queueCapacity,
        batchSize: positiveInteger("batchSize", options.batchSize, LoggerDefaults.batchSize),
        batchWindow: duration("batchWindow", options.batchWindow, LoggerDefaults.batchWindow),
        closeTimeout: duration("closeTimeout", options.closeTimeout, LoggerDefaults.closeTimeout),
        retry: RetryPolicy.merge(RetryPolicy.writes, options.retry),
        defaultDatasetId: options.datasetId ?? session.defaultDatasetId,
        postRows: Math.min(options.worker?.postRows ?? LoggerDefaults.postRows, queueCapacity),
        postEveryMillis: options.worker?.postEveryMillis ?? LoggerDefaults.postEveryMillis,
        maxRestarts: options.worker?.maxRestarts ?? LoggerDefaults.maxRestarts,
      }
    },
    catch: (error) =>
      error instanceof LoggerOptionsError
        ? error
        : new LoggerOptionsError({ option: "options", reason: String(error) }),
  })
