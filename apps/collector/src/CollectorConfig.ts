import { resolve } from "node:path"
import { nearestName } from "@sketchlog/core/adapter"
import type { LoggerMode, WriteSchedule } from "@sketchlog/core/logger"
import type { TimeGranularity } from "@sketchlog/core/profile"
import { resolveProfileDir, startDirectory } from "@sketchlog/core/writers"
import { Redacted } from "effect"
import { CollectorConfigError } from "./CollectorConfigError.js"
import { type EmbeddingsByDataset, readEmbeddingsFile } from "./EmbeddingsFile.js"

/** Where profiles go: uploaded through a WhyLabs session, or files on this machine. */
export type Destination = "whylabs" | "local"

/** Everything the collector runs with, from the environment and the command line. */
export interface CollectorConfig {
  readonly host: string
  readonly port: number
  /** The token every request but `GET /health` must carry; undefined only with `--insecure-no-auth`. */
  readonly token: Redacted.Redacted<string> | undefined
  readonly destination: Destination
  /** WhyLabs credentials and place (whylabs destination). */
  readonly apiKey: Redacted.Redacted<string> | undefined
  readonly orgId: string | undefined
  readonly apiEndpoint: string | undefined
  /** Profile files (local destination) and the outbox (both). */
  readonly profileDir: string
  /** A profile store (`SKETCHLOG_STORE`: `s3://bucket/prefix` or a directory) that replaces the destination's writer. */
  readonly store: string | undefined
  /** The time bucket of a profile (the dataset cadence). */
  readonly aggregateBy: TimeGranularity
  /** When profiles are written or uploaded. */
  readonly writeSchedule: WriteSchedule
  readonly maxBodyBytes: number
  readonly queueCapacity: number
  readonly loggerMode: LoggerMode
  readonly embeddings: EmbeddingsByDataset
  /** How long SIGTERM waits for requests in flight and for the writers before giving up. */
  readonly shutdownTimeoutMs: number
  /**
   * What to tell the operator at start: a `SKETCHLOG_*` variable the collector does not read, with the
   * name it probably meant. A warning, not a refusal: other programs (and newer versions) share the
   * environment, and the collector must not refuse to start over a name that is not its own.
   */
  readonly notices: ReadonlyArray<string>
}

/** Environment variables as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>

/** Command-line flags the collector knows (`--host` takes an address: `--host 0.0.0.0` or `--host=::`). */
export const FLAGS = ["--insecure-no-auth", "--host", "--help"] as const

/**
 * The `SKETCHLOG_*` variables the collector reads, and those other sketchlog programs read that may
 * share its environment (`@sketchlog/s3`, the CLI): any other `SKETCHLOG_*` name is likely a typo, and
 * the collector says so at start (naming the variable it probably meant).
 */
export const SKETCHLOG_VARIABLES = [
  "SKETCHLOG_PROFILE_DIR",
  "SKETCHLOG_STORE",
  "SKETCHLOG_EMBEDDINGS_FILE",
  "SKETCHLOG_MAX_BODY_BYTES",
  "SKETCHLOG_QUEUE_CAPACITY",
  "SKETCHLOG_LOGGER_MODE",
  "SKETCHLOG_SHUTDOWN_TIMEOUT_SECONDS",
  "SKETCHLOG_S3_FORCE_PATH_STYLE",
  "SKETCHLOG_SERVE_TOKEN",
  "SKETCHLOG_DEBUG",
] as const

/** Defaults of the settings that have one. */
export const CollectorDefaults = {
  // This machine only: listening on every interface is a choice (`--host 0.0.0.0`), not a default.
  host: "127.0.0.1",
  port: 8000,
  datasetCadence: "DAILY",
  uploadCadence: "HOUR",
  uploadInterval: 1,
  maxBodyBytes: 8 * 1024 * 1024,
  queueCapacity: 100_000,
  loggerMode: "worker",
  shutdownTimeoutSeconds: 30,
} as const

const fail = (setting: string, reason: string): never => {
  throw new CollectorConfigError({ setting, reason })
}

const text = (env: Environment, name: string): string | undefined => {
  const value = env[name]?.trim()
  return value === undefined || value.length === 0 ? undefined : value
}

const integer = (env: Environment, name: string, fallback: number, min: number, max: number): number => {
  const raw = text(env, name)
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max)
    return fail(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`)
  return value
}

const choice = <T extends string>(
  env: Environment,
  name: string,
  map: Readonly<Record<string, T>>,
  fallback: string,
) => {
  const raw = text(env, name) ?? fallback
  const value = map[raw.toUpperCase()]
  if (value === undefined)
    return fail(name, `must be one of ${Object.keys(map).join(", ")}, got ${JSON.stringify(raw)}`)
  return value
}

/**
 * Reads the configuration (see the README's table): the whylogs container's variable names where it
 * has one (`CONTAINER_PASSWORD`, `WHYLABS_API_KEY`, `WHYLABS_ORG_ID`, `DEFAULT_WHYLABS_DATASET_CADENCE`,
 * `DEFAULT_WHYLABS_UPLOAD_CADENCE`, `DEFAULT_WHYLABS_UPLOAD_INTERVAL`, `UPLOAD_DESTINATION`), whylogs'
 * own (`WHYLABS_DEFAULT_ORG_ID`, `WHYLABS_API_ENDPOINT`), `SKETCHLOG_*` for the rest. Rejects with
 * `CollectorConfigError` naming the setting; in particular without a token unless `--insecure-no-auth`.
 */
export const loadCollectorConfig = async (
  env: Environment,
  argv: ReadonlyArray<string> = [],
): Promise<CollectorConfig> => {
  let hostArgument: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === "--host" || arg.startsWith("--host=")) {
      hostArgument = arg === "--host" ? argv[++i] : arg.slice("--host=".length)
      if (hostArgument === undefined || hostArgument.trim() === "" || hostArgument.startsWith("--"))
        fail("--host", "needs an address, e.g. --host 0.0.0.0 (every interface) or --host 127.0.0.1")
    } else if (!(FLAGS as ReadonlyArray<string>).includes(arg)) {
      const nearest = nearestName(arg.split("=")[0] as string, FLAGS)
      fail(
        arg,
        `unknown argument${nearest === undefined ? "" : ` (did you mean ${nearest}?)`}; the collector takes ${FLAGS.join(", ")} and reads the rest from the environment`,
      )
    }
  }
  const notices: string[] = []
  for (const name of Object.keys(env)) {
    if (!name.startsWith("SKETCHLOG_") || (SKETCHLOG_VARIABLES as ReadonlyArray<string>).includes(name))
      continue
    const nearest = nearestName(name, SKETCHLOG_VARIABLES)
    notices.push(
      `${name} is not a setting of the collector, ignored${nearest === undefined ? "" : `; did you mean ${nearest}?`} (it reads ${SKETCHLOG_VARIABLES.slice(0, 7).join(", ")})`,
    )
  }
  // Relative paths are the user's: `pnpm --filter @sketchlog/collector start` runs in apps/collector,
  // but pnpm (and npm) say where it was started in INIT_CWD; core decides as for every entry point.
  const startedIn = startDirectory(env)
  const password = text(env, "CONTAINER_PASSWORD")
  if (password === undefined && !argv.includes("--insecure-no-auth"))
    fail(
      "CONTAINER_PASSWORD",
      "is not set: every request must carry this token (Authorization: Bearer <token>); to accept requests from anyone who can reach the port, start with --insecure-no-auth",
    )
  const apiKey = text(env, "WHYLABS_API_KEY")
  const destination = choice<Destination>(
    env,
    "UPLOAD_DESTINATION",
    { WHYLABS: "whylabs", LOCAL: "local", DEBUG_FILE_SYSTEM: "local" },
    apiKey === undefined ? "LOCAL" : "WHYLABS",
  )
  if (destination === "whylabs" && apiKey === undefined)
    fail(
      "WHYLABS_API_KEY",
      "is needed to upload (UPLOAD_DESTINATION=WHYLABS); set it, or UPLOAD_DESTINATION=LOCAL",
    )
  const aggregateBy = choice<TimeGranularity>(
    env,
    "DEFAULT_WHYLABS_DATASET_CADENCE",
    { HOURLY: "hour", DAILY: "day" },
    CollectorDefaults.datasetCadence,
  )
  const cadence = choice<WriteSchedule["cadence"]>(
    env,
    "DEFAULT_WHYLABS_UPLOAD_CADENCE",
    { MINUTE: "minute", M: "minute", HOUR: "hour", H: "hour", DAY: "day", D: "day" },
    CollectorDefaults.uploadCadence,
  )
  const interval = integer(
    env,
    "DEFAULT_WHYLABS_UPLOAD_INTERVAL",
    CollectorDefaults.uploadInterval,
    1,
    10_000,
  )
  const loggerMode = choice<LoggerMode>(
    env,
    "SKETCHLOG_LOGGER_MODE",
    { WORKER: "worker", "IN-THREAD": "in-thread" },
    CollectorDefaults.loggerMode,
  )
  const embeddingsFile = text(env, "SKETCHLOG_EMBEDDINGS_FILE")
  return {
    host: hostArgument?.trim() ?? text(env, "HOST") ?? CollectorDefaults.host,
    port: integer(env, "PORT", CollectorDefaults.port, 0, 65_535),
    token: password === undefined ? undefined : Redacted.make(password),
    destination,
    apiKey: apiKey === undefined ? undefined : Redacted.make(apiKey),
    orgId: text(env, "WHYLABS_DEFAULT_ORG_ID") ?? text(env, "WHYLABS_ORG_ID"),
    apiEndpoint: text(env, "WHYLABS_API_ENDPOINT"),
    profileDir: resolveProfileDir(text(env, "SKETCHLOG_PROFILE_DIR"), env),
    store: text(env, "SKETCHLOG_STORE"),
    aggregateBy,
    writeSchedule: { cadence, interval },
    maxBodyBytes: integer(env, "SKETCHLOG_MAX_BODY_BYTES", CollectorDefaults.maxBodyBytes, 1024, 1024 ** 3),
    queueCapacity: integer(env, "SKETCHLOG_QUEUE_CAPACITY", CollectorDefaults.queueCapacity, 1, 100_000_000),
    loggerMode,
    embeddings:
      embeddingsFile === undefined
        ? {}
        : await readEmbeddingsFile(resolve(startedIn, embeddingsFile), "SKETCHLOG_EMBEDDINGS_FILE"),
    shutdownTimeoutMs:
      integer(env, "SKETCHLOG_SHUTDOWN_TIMEOUT_SECONDS", CollectorDefaults.shutdownTimeoutSeconds, 1, 3600) *
      1000,
    notices,
  }
}
