import { join } from "node:path"
import { DatasetProfileView } from "@sketchlog/core"
import { type FakePlatform, SESSION_ENV_VARS } from "@sketchlog/test-fixtures"
import type { ExpressDemoConfig } from "./children/expressDemo.js"
import { httpRows } from "./ProfileFiles.js"

/**
 * The environment of a child that must read no real configuration: every `WHYLABS_*` variable cleared,
 * whylogs' config directory (`config.ini`, the token cache) in `configDir`.
 */
export const sandboxEnv = (
  configDir: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string | undefined> => ({
  ...Object.fromEntries(SESSION_ENV_VARS.map((name) => [name, undefined])),
  WHYLOGS_CONFIG_PATH: configDir,
  XDG_CONFIG_HOME: join(configDir, "xdg"),
  ...extra,
})

/** Write retries shortened so a fault scenario takes seconds (the shape of the default policy kept). */
export const quickRetry = {
  maxRetries: 3,
  baseDelay: "20 millis",
  maxDelay: "200 millis",
  maxRetryAfter: "10 seconds",
} as const

/**
 * The Express demo uploading to `platform` with its API key: each request goes to the dataset its
 * `x-reliability-dataset` header names, profiles are written only on flush and close (unless
 * `logger` says otherwise), platform calls time out after 500 ms (unless `session` says otherwise),
 * and writes retry quickly.
 */
export const uploadingDemo = (
  platform: FakePlatform,
  profileDir: string,
  logger: Readonly<Record<string, unknown>> = {},
  session: Readonly<Record<string, unknown>> = {},
): ExpressDemoConfig => ({
  profileDir,
  datasetFromHeader: true,
  sketchlog: {
    sessionOptions: {
      apiKey: platform.apiKey,
      apiEndpoint: platform.url,
      defaultDatasetId: "loan-scoring",
      timeout: "500 millis",
      interactive: false,
      ...session,
    },
    logger: { writeSchedule: null, retry: quickRetry, closeTimeout: "20 seconds", ...logger },
  },
})

/** Σ rows over the HTTP profiles `platform` stored, by dataset; every stored profile must be readable. */
export const platformRows = (platform: FakePlatform): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const p of platform.profiles({ kind: "profile" })) {
    const view = DatasetProfileView.deserialize(p.bytes)
    out[p.datasetId] = (out[p.datasetId] ?? 0) + httpRows(view)
  }
  return out
}

/**
 * A platform outage as clients see one: new connections are refused and requests on connections
 * already open are cut, until `end()`.
 */
export const outage = (platform: FakePlatform) => {
  platform.faults.down()
  platform.faults.inject({ type: "drop" })
  return {
    end: () => {
      platform.faults.clear()
    },
  }
}
