import { DEFAULT_API_ENDPOINT } from "@sketchlog/core/platform"
import {
  configFilePath,
  type EnvironmentSettings,
  type FileSettings,
  readConfigFile,
  readEnvironment,
} from "@sketchlog/core/session"
import { Effect } from "effect"
import { runNode } from "./runNode.js"

/** What the environment and whylogs' config file say, as a session would read them. */
export interface Settings {
  readonly env: EnvironmentSettings
  readonly configFile: string
  readonly file: FileSettings
}

/** Reads `WHYLABS_*` and the config file (`$WHYLOGS_CONFIG_PATH/config.ini` or the user config dir). */
export const readSettings = (): Promise<Settings> =>
  runNode(
    Effect.gen(function* () {
      const env = yield* readEnvironment
      const configFile = configFilePath(undefined, env)
      const file = yield* readConfigFile(configFile)
      return { env, configFile, file }
    }),
  )

/** The platform a command talks to: the option, else the environment, else the config file, else the public API. */
export const endpointOf = (settings: Settings, option: string | undefined): string =>
  option ?? settings.env.apiEndpoint ?? settings.file.apiEndpoint ?? DEFAULT_API_ENDPOINT
