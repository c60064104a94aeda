import { sep } from "node:path"
import { describeLocalWrites, LoggerDefaults } from "@sketchlog/core/logger"
import { displayUrl } from "@sketchlog/core/store"
import type { RunningCollector } from "./Collector.js"
import type { CollectorConfig } from "./CollectorConfig.js"

/** What the collector prints when it starts: the banner, and a warning when it is open to anyone. */
export interface StartupBanner {
  readonly banner: string
  readonly warning: string | undefined
}

/**
 * The banner names the address the server is really bound to (`0.0.0.0` when it listens on every
 * interface, with the address to use from this machine), who can reach it, the auth and where profiles
 * go. Bound to anything but loopback with no password, it also warns: the port takes data from anyone.
 */
export const startupBanner = (
  config: Pick<
    CollectorConfig,
    "token" | "destination" | "profileDir" | "store" | "orgId" | "aggregateBy" | "writeSchedule"
  >,
  collector: Pick<RunningCollector, "url" | "boundUrl" | "exposed" | "port">,
): StartupBanner => {
  const where =
    config.store !== undefined
      ? `profiles written to the store ${displayUrl(config.store)}`
      : config.destination === "local"
        ? `profiles written to ${config.profileDir}${sep}<dataset>${sep}, ${describeLocalWrites(LoggerDefaults.firstWriteLocal, config.writeSchedule, "request")}`
        : `profiles uploaded to WhyLabs${config.orgId === undefined ? "" : ` (${config.orgId})`}`
  const reach = collector.exposed
    ? `reachable from other machines${collector.boundUrl === collector.url ? "" : `; from this one: ${collector.url}`}`
    : "this machine only"
  const auth = config.token === undefined ? "NONE (--insecure-no-auth)" : "bearer token"
  const schedule =
    config.store === undefined && config.destination === "local"
      ? `${config.aggregateBy} profiles`
      : `${config.aggregateBy} profiles written every ${config.writeSchedule.interval} ${config.writeSchedule.cadence}`
  return {
    banner: `listening on ${collector.boundUrl} (${reach}; auth: ${auth}; ${where}; ${schedule})`,
    warning:
      collector.exposed && config.token === undefined
        ? `WARNING: bound to ${collector.boundUrl}, reachable from other machines, with no password ` +
          `(--insecure-no-auth): anyone who can reach port ${collector.port} can send data. Set ` +
          "CONTAINER_PASSWORD, or listen on this machine only (--host 127.0.0.1)."
        : undefined,
  }
}
