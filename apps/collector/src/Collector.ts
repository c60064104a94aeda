import type { AddressInfo } from "node:net"
import { join } from "node:path"
import {
  createRollingLogger,
  type FlushResult,
  init,
  LocalWriter,
  type LoggerStatus,
  type SessionHandle,
} from "@sketchlog/core"
import { createIntake, type IntakeStats } from "@sketchlog/core/intake"
import { LoggerDefaults } from "@sketchlog/core/logger"
import type { CollectorConfig, Destination } from "./CollectorConfig.js"
import { createCollectorServer } from "./CollectorServer.js"
import { embeddingsFor } from "./EmbeddingsFile.js"
import { httpUrl, isExposed } from "./Exposure.js"

/** What `GET /status` reports. */
export interface CollectorStatus {
  readonly state: "running" | "closing" | "closed"
  readonly startedAt: string
  readonly uptimeSeconds: number
  readonly destination: Destination
  readonly auth: "bearer-token" | "none"
  readonly intake: IntakeStats
  readonly logger: LoggerStatus
  /** The collector process: CPU time used since it started (user + system, µs, all threads) and memory. */
  readonly process: { readonly cpuMicros: number; readonly rssBytes: number; readonly heapUsedBytes: number }
}

/** A collector serving requests. */
export interface RunningCollector {
  /** `http://host:port` to reach it from this machine (127.0.0.1 when it listens on every interface). */
  readonly url: string
  /** `http://address:port` of the address it is really bound to (e.g. `http://0.0.0.0:8000`). */
  readonly boundUrl: string
  /** Whether other machines can reach it (bound to anything but loopback). */
  readonly exposed: boolean
  readonly port: number
  readonly status: () => CollectorStatus
  /**
   * Graceful stop: refuses new requests (503), lets the ones in flight finish (up to the shutdown
   * timeout), then closes the logger, which profiles everything queued and writes (or uploads)
   * every profile. Idempotent.
   */
  readonly close: () => Promise<FlushResult>
}

/**
 * Starts a collector: the session (whylabs destination), the rolling logger (block mode: a request is
 * answered once its rows are queued, so a full queue slows senders down instead of dropping their
 * rows), the intake and the HTTP server.
 */
export const startCollector = async (config: CollectorConfig): Promise<RunningCollector> => {
  const startedAt = new Date()
  let session: SessionHandle | undefined
  if (config.destination === "whylabs") {
    session = await init({
      kind: "whylabs",
      interactive: false,
      ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
      ...(config.orgId === undefined ? {} : { orgId: config.orgId }),
      ...(config.apiEndpoint === undefined ? {} : { apiEndpoint: config.apiEndpoint }),
    })
  }
  const logger = createRollingLogger({
    ...(session === undefined ? {} : { session }),
    ...(config.store !== undefined
      ? { store: config.store }
      : config.destination === "local"
        ? // Local files come early (the first soon after the first row), then on the schedule.
          {
            writers: [new LocalWriter({ dir: config.profileDir })],
            firstWrite: LoggerDefaults.firstWriteLocal,
          }
        : {}),
    outboxDir: join(config.profileDir, ".outbox"),
    mode: config.loggerMode,
    aggregateBy: config.aggregateBy,
    writeSchedule: config.writeSchedule,
    overflow: "block",
    queueCapacity: config.queueCapacity,
    closeTimeout: config.shutdownTimeoutMs,
    loggerOptions: (datasetId) => {
      const embeddings = embeddingsFor(config.embeddings, datasetId)
      return embeddings === undefined ? {} : { embeddings }
    },
    closeOnExit: false,
  })
  const intake = createIntake({
    logger,
    token: config.token,
    insecureNoAuth: config.token === undefined,
    maxBodyBytes: config.maxBodyBytes,
  })

  let state: CollectorStatus["state"] = "running"
  const status = (): CollectorStatus => {
    const { user, system } = process.cpuUsage()
    const memory = process.memoryUsage()
    return {
      state,
      startedAt: startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      destination: config.destination,
      auth: config.token === undefined ? "none" : "bearer-token",
      intake: intake.stats(),
      logger: logger.status(),
      process: { cpuMicros: user + system, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    }
  }
  const { server, idle } = createCollectorServer({
    intake,
    status,
    flush: () => logger.flush(),
    state: () => state,
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(config.port, config.host, () => {
      server.off("error", reject)
      resolve()
    })
  })
  const { address, port } = server.address() as AddressInfo
  const everyInterface = address === "0.0.0.0" || address === "::"
  const url = httpUrl(everyInterface ? "127.0.0.1" : address, port)

  let closing: Promise<FlushResult> | undefined
  const close = () => {
    closing ??= (async () => {
      state = "closing"
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      // Requests in flight finish (their rows reach the queue); then no connection is needed.
      await Promise.race([idle(), sleep(config.shutdownTimeoutMs)])
      server.closeAllConnections()
      await stopped
      const result = await logger.close()
      await session?.close()
      state = "closed"
      return result
    })()
    return closing
  }

  return { url, boundUrl: httpUrl(address, port), exposed: isExposed(address), port, status, close }
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref()
  })
