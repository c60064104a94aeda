import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** Environment variables a session reads; a sandbox clears them all. */
export const SESSION_ENV_VARS = [
  "WHYLABS_API_KEY",
  "WHYLABS_DEFAULT_ORG_ID",
  "WHYLABS_DEFAULT_DATASET_ID",
  "WHYLABS_API_ENDPOINT",
  "WHYLABS_SESSION_ID",
  "WHYLOGS_CONFIG_PATH",
  "XDG_CONFIG_HOME",
  // A machine's proxy settings would send a test's loopback traffic elsewhere.
  "HTTP_PROXY",
  "http_proxy",
  "HTTPS_PROXY",
  "https_proxy",
  "ALL_PROXY",
  "all_proxy",
  "NO_PROXY",
  "no_proxy",
] as const

/**
 * A throw-away config directory with a clean environment, so a test never reads or writes the real
 * home directory: `WHYLABS_*` and the proxy variables are cleared, `WHYLOGS_CONFIG_PATH` and `XDG_CONFIG_HOME` point into a
 * temporary directory, and `restore()` puts everything back and deletes the directory.
 */
export interface ConfigSandbox {
  /** The temporary directory (also `WHYLOGS_CONFIG_PATH`). */
  readonly dir: string
  /** `<dir>/config.ini`, the file a session reads by default. */
  readonly configFile: string
  /** Sets (or, with `undefined`, clears) environment variables until `restore()`. */
  readonly setEnv: (vars: Readonly<Record<string, string | undefined>>) => void
  readonly restore: () => Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/** Creates a sandbox (see `ConfigSandbox`). */
export const configSandbox = async (): Promise<ConfigSandbox> => {
  const dir = await mkdtemp(join(tmpdir(), "sketchlog-config-"))
  const saved = new Map<string, string | undefined>()
  const setEnv = (vars: Readonly<Record<string, string | undefined>>) => {
    for (const [name, value] of Object.entries(vars)) {
      if (!saved.has(name)) saved.set(name, process.env[name])
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  setEnv(Object.fromEntries(SESSION_ENV_VARS.map((name) => [name, undefined])))
  setEnv({ WHYLOGS_CONFIG_PATH: dir, XDG_CONFIG_HOME: join(dir, "xdg") })
  const restore = async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    saved.clear()
    await rm(dir, { recursive: true, force: true })
  }
  return { dir, configFile: join(dir, "config.ini"), setEnv, restore, [Symbol.asyncDispose]: restore }
}
