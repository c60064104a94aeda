/**
 * The Express demo (`apps/express-demo`'s `start()`) in a process of its own, for the tests that load
 * it, break what it depends on, or kill it. Argument: a JSON `ExpressDemoConfig`. Answers the commands
 * below over IPC (see `ChildProtocol`).
 */
import { execFileSync } from "node:child_process"
import { closeSync, openSync, unlinkSync, writeSync } from "node:fs"
import { join } from "node:path"
import type { LoggerStatus } from "@sketchlog/core"
import type { HttpExchange } from "@sketchlog/core/http"
import type { SketchlogOptions } from "@sketchlog/express"
import { start } from "@sketchlog/express-demo"
import { workerOf } from "../../../../packages/core/src/logger/internal/worker/WorkerPort.js"
import { announceReady, serveCommands } from "./ChildProtocol.js"
import { MemorySampler } from "./MemorySampler.js"

/** How the child runs the demo. */
export interface ExpressDemoConfig {
  readonly profileDir: string
  /** Overrides of the middleware's options (plain data: they come as JSON). */
  readonly sketchlog?: Omit<SketchlogOptions, "datasetId" | "profileDir"> & { readonly datasetId?: string }
  /** Each request goes to the dataset its `x-reliability-dataset` header names (else the default). */
  readonly datasetFromHeader?: boolean
  /** Follow the session's events into this file at verbosity 2. */
  readonly eventsLog?: string
  /** On SIGTERM/SIGINT: close as `apps/express-demo/src/main.ts` does, print the final status, exit 0. */
  readonly exitOnSignal?: boolean
  /** The tmpfs mount point the fs-* commands act on. */
  readonly mount?: string
  /** The same app without sketchlog mounted, to tell the app's own failures from ours. */
  readonly bare?: boolean
}

/** What `status` and `close` answer. */
export interface ExpressDemoStatus {
  /** Requests the HTTP server received: all of them, and those for `/health`. */
  readonly requests: { readonly all: number; readonly health: number }
  readonly profiler: Awaited<ReturnType<ExpressDemoServer["profiling"]["status"]>>
  /** The rolling logger's status, also after close. */
  readonly logger: LoggerStatus | undefined
  readonly memory: ReturnType<MemorySampler["peak"]>
}

type ExpressDemoServer = Awaited<ReturnType<typeof start>>

const config = JSON.parse(process.argv[2] ?? "{}") as ExpressDemoConfig
const memory = new MemorySampler()

const datasetFromHeader = (exchange: HttpExchange): string | undefined => {
  const headers = exchange.request?.headers as Readonly<Record<string, unknown>> | undefined
  const name = headers?.["x-reliability-dataset"]
  return typeof name === "string" && name.length > 0 ? name : undefined
}

const demo = await start(0, "127.0.0.1", {
  sketchlog: {
    ...config.sketchlog,
    profileDir: config.profileDir,
    ...(config.datasetFromHeader ? { datasetId: datasetFromHeader } : {}),
  },
  ...(config.bare === true ? { unprofiled: true } : {}),
})
const profiler = demo.profiling.profiler
const logger = profiler.logger
const requests = { all: 0, health: 0 }
demo.server.on("request", (req: { url?: string }) => {
  requests.all++
  if (req.url === "/health") requests.health++
})
const stopEvents =
  config.eventsLog === undefined ? undefined : await profiler.session?.logEventsToFile(config.eventsLog, 2)

const status = async (): Promise<ExpressDemoStatus> => ({
  requests: { ...requests },
  profiler: await demo.profiling.status(),
  logger: logger?.status(),
  memory: memory.peak(),
})

const close = async (): Promise<ExpressDemoStatus> => {
  await demo.close()
  await stopEvents?.()
  return status()
}

const filler = () => join(config.mount ?? "/nonexistent", ".filler")
const remount = (mode: "ro" | "rw") => execFileSync("mount", ["-o", `remount,${mode}`, config.mount ?? ""])

serveCommands({
  status,
  close,
  flush: () => profiler.flush(),
  "session-status": () => profiler.session?.status(),
  "memory-reset": () => memory.reset(),
  "memory-retained": () => memory.retained(),
  /** Kills the logger's worker thread (worker mode), as a crash would. */
  "crash-worker": async () => {
    const worker = logger === undefined ? undefined : workerOf.get(logger.service)?.()
    if (worker === undefined) throw new Error("no worker to crash")
    await worker.terminate()
    return true
  },
  /** Fills the tmpfs to the last block; returns the bytes written. */
  "fs-fill": () => {
    const fd = openSync(filler(), "a")
    const chunk = Buffer.alloc(4096, 1)
    let written = 0
    try {
      for (;;) written += writeSync(fd, chunk)
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOSPC") throw error
    } finally {
      closeSync(fd)
    }
    return written
  },
  "fs-free": () => unlinkSync(filler()),
  "fs-readonly": () => remount("ro"),
  "fs-writable": () => remount("rw"),
  exit: () => {
    setImmediate(() => process.exit(0))
  },
})

if (config.exitOnSignal) {
  const stop = async () => {
    const final = await close()
    process.stdout.write(`${JSON.stringify({ final })}\n`)
    process.exit(0)
  }
  process.once("SIGTERM", stop)
  process.once("SIGINT", stop)
}

announceReady({ url: demo.url, profileDir: profiler.profileDir })
