import { Duration, Option } from "effect"
import { firstUnknownOption } from "../../internal/optionNames.js"
import { columnTypes } from "../../profile/ColumnType.js"
import { DatasetProfile } from "../../profile/DatasetProfile.js"
import type { EmbeddingOptions } from "../../profile/metrics/EmbeddingOptions.js"
import { ProfileArgumentError } from "../../profile/ProfileError.js"
import { type TimeGranularity, timeGranularities } from "../../profile/TimeBucket.js"
import { LoggerOptionsError } from "../LoggerError.js"
import { type DatasetOptions, datasetOptionNames, LoggerDefaults } from "../LoggerOptions.js"
import { checkSchedule, scheduleKey, type WriteSchedule } from "../WriteSchedule.js"

/** A dataset's options with every default applied, validated. Plain data (it crosses to the worker). */
export interface DatasetConfig {
  readonly aggregateBy: TimeGranularity
  readonly writeSchedule: WriteSchedule | null
  /** `scheduleKey(writeSchedule)`, or null. */
  readonly scheduleKey: string | null
  /** The first write of the dataset, this long after its first row (once), or null. */
  readonly firstWriteMillis: number | null
  readonly segmentOn: ReadonlyArray<string>
  readonly maxSegments: number
  readonly overflowValue: string
  readonly schema: Readonly<Record<string, (typeof columnTypes)[number]>> | undefined
  readonly maxColumns: number | undefined
  readonly tags: Readonly<Record<string, string>> | undefined
  readonly metadata: Readonly<Record<string, string>> | undefined
  readonly embeddings: Readonly<Record<string, EmbeddingOptions>> | undefined
}

const fail = (option: string, reason: string): never => {
  throw new LoggerOptionsError({ option, reason })
}

const stringRecord = (option: string, value: unknown): Readonly<Record<string, string>> | undefined => {
  if (value === undefined) return undefined
  if (typeof value !== "object" || value === null) return fail(option, "must be an object of strings")
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") fail(`${option}.${key}`, "must be a string")
  }
  return { ...(value as Record<string, string>) }
}

const firstWriteMillisOf = (option: string, value: unknown): number | null => {
  if (value === null) return null
  const decoded = Duration.decodeUnknown(value)
  if (Option.isNone(decoded) || !Duration.isFinite(decoded.value))
    return fail(option, 'must be a duration (e.g. "10 seconds") or null')
  return Duration.toMillis(decoded.value)
}

/**
 * Applies `options` over `base` (a dataset's options over the logger's) and checks the result;
 * throws `LoggerOptionsError` naming the option (`prefix` says whose, e.g. `loggerOptions("m-1")`,
 * whose options must all be dataset options).
 */
export const resolveDatasetConfig = (
  options: DatasetOptions,
  base: DatasetConfig | undefined,
  prefix = "",
): DatasetConfig => {
  const name = (option: string) => (prefix === "" ? option : `${prefix}.${option}`)
  if (prefix !== "") {
    const unknown = firstUnknownOption(options, datasetOptionNames)
    if (unknown !== undefined) fail(name(unknown.option), unknown.reason)
  }
  const aggregateBy = options.aggregateBy ?? base?.aggregateBy ?? LoggerDefaults.aggregateBy
  if (!timeGranularities.includes(aggregateBy))
    fail(name("aggregateBy"), `must be one of ${timeGranularities.join(", ")}, got ${String(aggregateBy)}`)
  const writeSchedule =
    options.writeSchedule === undefined
      ? base === undefined
        ? LoggerDefaults.writeSchedule
        : base.writeSchedule
      : options.writeSchedule
  if (writeSchedule !== null) {
    const problem = checkSchedule(writeSchedule)
    if (problem !== undefined) fail(name("writeSchedule"), problem)
  }
  // Without a schedule (writes only on flush and close) there is no early write unless asked for.
  const firstWriteMillis =
    options.firstWrite !== undefined
      ? firstWriteMillisOf(name("firstWrite"), options.firstWrite)
      : writeSchedule === null
        ? null
        : (base?.firstWriteMillis ?? null)
  const segmentOn = options.segmentOn ?? base?.segmentOn ?? []
  if (!Array.isArray(segmentOn) || !segmentOn.every((c) => typeof c === "string" && c.length > 0))
    fail(name("segmentOn"), "must list column names")
  const maxSegments = options.maxSegments ?? base?.maxSegments ?? LoggerDefaults.maxSegments
  if (!Number.isInteger(maxSegments) || maxSegments < 1)
    fail(name("maxSegments"), `must be a positive integer, got ${maxSegments}`)
  const overflowValue = options.overflowValue ?? base?.overflowValue ?? LoggerDefaults.overflowValue
  if (typeof overflowValue !== "string") fail(name("overflowValue"), "must be a string")
  const schema = options.schema ?? base?.schema
  if (schema !== undefined) {
    for (const [column, type] of Object.entries(schema)) {
      if (!columnTypes.includes(type))
        fail(name(`schema.${column}`), `must be one of ${columnTypes.join(", ")}, got ${String(type)}`)
    }
  }
  const maxColumns = options.maxColumns ?? base?.maxColumns
  if (maxColumns !== undefined && (!Number.isInteger(maxColumns) || maxColumns < 1))
    fail(name("maxColumns"), `must be a positive integer, got ${maxColumns}`)
  const embeddings = options.embeddings ?? base?.embeddings
  if (embeddings !== undefined) {
    // A profile made now checks the references (and their fit with the schema) once, here, rather
    // than failing later inside the actor.
    try {
      new DatasetProfile({ schema, embeddings })
    } catch (error) {
      if (error instanceof ProfileArgumentError) fail(name(error.argument), error.reason)
      throw error
    }
  }
  return {
    aggregateBy,
    writeSchedule:
      writeSchedule === null ? null : { cadence: writeSchedule.cadence, interval: writeSchedule.interval },
    scheduleKey: writeSchedule === null ? null : scheduleKey(writeSchedule),
    firstWriteMillis,
    segmentOn: [...segmentOn],
    maxSegments,
    overflowValue,
    schema: schema === undefined ? undefined : { ...schema },
    maxColumns,
    tags: stringRecord(name("tags"), options.tags) ?? base?.tags,
    metadata: stringRecord(name("metadata"), options.metadata) ?? base?.metadata,
    embeddings: embeddings === undefined ? undefined : { ...embeddings },
  }
}
