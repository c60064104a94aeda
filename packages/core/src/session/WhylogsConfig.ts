import { join } from "node:path"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import { Config, ConfigProvider, Effect, Either, Option, Redacted } from "effect"
import { writeFileAtomic } from "./internal/atomicWrite.js"
import { userConfigDir } from "./internal/configDir.js"
import { emptyIni, type IniDocument, parseIni, serializeIni, updateIni } from "./internal/ini.js"
import { ConfigError } from "./SessionError.js"

/** The section of whylogs' `config.ini` that holds the WhyLabs settings. */
export const WHYLABS_SECTION = "whylabs"

/** The keys sketchlog reads and writes in `[whylabs]`, named as whylogs names them. */
export type WhylogsConfigKey =
  | "api_key"
  | "org_id"
  | "default_dataset_id"
  | "whylabs_api_endpoint"
  | "session_id"
  | "user_guid"

/** Settings from the environment (`WHYLABS_*`, `WHYLOGS_CONFIG_PATH`); empty variables count as unset. */
export interface EnvironmentSettings {
  readonly apiKey: Redacted.Redacted<string> | undefined
  readonly orgId: string | undefined
  readonly defaultDatasetId: string | undefined
  readonly apiEndpoint: string | undefined
  readonly sessionId: string | undefined
  /** `WHYLOGS_CONFIG_PATH`: the directory holding `config.ini` (as in whylogs). */
  readonly configDir: string | undefined
}

/** Settings from the `[whylabs]` section of the config file, with the line each came from. */
export interface FileSettings {
  readonly path: string
  readonly apiKey: Redacted.Redacted<string> | undefined
  readonly orgId: string | undefined
  readonly defaultDatasetId: string | undefined
  readonly apiEndpoint: string | undefined
  readonly sessionId: string | undefined
  readonly userGuid: string | undefined
  /** The line of `key` in the file, for error messages. */
  readonly lineOf: (key: WhylogsConfigKey) => number | undefined
}

const text = (name: string): Config.Config<string | undefined> =>
  Config.map(Config.option(Config.string(name)), (value) =>
    Option.getOrUndefined(
      Option.filter(
        Option.map(value, (v) => v.trim()),
        (v) => v.length > 0,
      ),
    ),
  )

const secret = (name: string): Config.Config<Redacted.Redacted<string> | undefined> =>
  Config.map(Config.option(Config.redacted(name)), (value) =>
    Option.getOrUndefined(Option.filter(value, (v) => Redacted.value(v).trim().length > 0)),
  )

/** The environment variables whylogs reads, as an Effect `Config`. */
export const environmentConfig: Config.Config<EnvironmentSettings> = Config.all({
  apiKey: secret("WHYLABS_API_KEY"),
  orgId: text("WHYLABS_DEFAULT_ORG_ID"),
  defaultDatasetId: text("WHYLABS_DEFAULT_DATASET_ID"),
  apiEndpoint: text("WHYLABS_API_ENDPOINT"),
  sessionId: text("WHYLABS_SESSION_ID"),
  configDir: text("WHYLOGS_CONFIG_PATH"),
})

/** The `[whylabs]` keys, as an Effect `Config` read from a provider built over the INI file. */
const fileConfig = Config.nested(
  Config.all({
    apiKey: secret("api_key"),
    orgId: text("org_id"),
    defaultDatasetId: text("default_dataset_id"),
    apiEndpoint: text("whylabs_api_endpoint"),
    sessionId: text("session_id"),
    userGuid: text("user_guid"),
  }),
  WHYLABS_SECTION,
)

const configFailure = (source: string) => (error: { readonly message: string }) =>
  new ConfigError({ source, line: undefined, reason: error.message })

/** Reads the environment settings through the ambient `ConfigProvider` (the process environment by default). */
export const readEnvironment: Effect.Effect<EnvironmentSettings, ConfigError> = Effect.mapError(
  environmentConfig,
  configFailure("environment"),
)

/**
 * Where the config file is: `configPath` when given, else `config.ini` in `$WHYLOGS_CONFIG_PATH`,
 * else in the user config directory of "whylogs" — the file Python whylogs uses.
 */
export const configFilePath = (configPath: string | undefined, env: EnvironmentSettings): string =>
  configPath ?? join(env.configDir ?? userConfigDir("whylogs"), "config.ini")

const loadDocument = (path: string): Effect.Effect<IniDocument, ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const content = yield* fs.readFileString(path).pipe(
      Effect.map(Option.some),
      Effect.catchIf(
        (error) => error._tag === "SystemError" && error.reason === "NotFound",
        () => Effect.succeed(Option.none<string>()),
      ),
      Effect.mapError(
        (error) =>
          new ConfigError({
            source: path,
            line: undefined,
            reason: `cannot be read (${error._tag === "SystemError" ? error.reason : error._tag}: ${error.message})`,
          }),
      ),
    )
    if (Option.isNone(content)) return emptyIni
    const parsed = parseIni(content.value)
    if (Either.isLeft(parsed)) {
      return yield* Effect.fail(
        new ConfigError({ source: path, line: parsed.left.line, reason: parsed.left.reason }),
      )
    }
    return parsed.right
  })

/**
 * Reads the `[whylabs]` settings of the file at `path` (a missing file has none). A file that is
 * not INI, or cannot be read, is a `ConfigError` naming the file and, for syntax, the line.
 */
export const readConfigFile = (
  path: string,
): Effect.Effect<FileSettings, ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const doc = yield* loadDocument(path)
    const entries = new Map<string, string>()
    for (const [key, value] of doc.sections.get(WHYLABS_SECTION) ?? [])
      entries.set(`${WHYLABS_SECTION}.${key}`, value)
    const values = yield* fileConfig.pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(entries, { pathDelim: "." })),
      Effect.mapError(configFailure(path)),
    )
    return { path, ...values, lineOf: (key) => doc.lines.get(`${WHYLABS_SECTION}.${key}`) }
  })

/**
 * Applies `changes` to `[whylabs]` (`undefined` removes a key) and writes the file atomically with
 * mode 0600 — only when something actually changes. Other sections and keys are kept. Succeeds with
 * whether the file was written.
 */
export const updateConfigFile = (
  path: string,
  changes: Partial<Readonly<Record<WhylogsConfigKey, string | undefined>>>,
): Effect.Effect<boolean, ConfigError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const current = yield* loadDocument(path)
    const { doc, changed } = updateIni(current, WHYLABS_SECTION, changes)
    if (!changed) return false
    yield* writeFileAtomic(path, serializeIni(doc)).pipe(
      Effect.mapError(
        (error) =>
          new ConfigError({ source: path, line: undefined, reason: `cannot be written (${error.message})` }),
      ),
    )
    return true
  })
