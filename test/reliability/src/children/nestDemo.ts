/**
 * The Nest demo (`apps/nest-demo`'s `createApp`) in a process of its own, for hostile input. Run with
 * `TSX_TSCONFIG_PATH` pointing at `apps/nest-demo/tsconfig.run.json` (legacy decorators). Argument:
 * `{ profileDir, bare }` (`bare`: the same app without sketchlog, to tell the app's own failures from
 * ours). Commands: `status`, `close`, `exit`.
 */
import type { HttpProfiler } from "@sketchlog/core/adapter"
import { SKETCHLOG_PROFILER } from "@sketchlog/nest"
import { createApp } from "../../../../apps/nest-demo/src/app.js"
import { announceReady, serveCommands } from "./ChildProtocol.js"
import { MemorySampler } from "./MemorySampler.js"

const { profileDir, bare } = JSON.parse(process.argv[2] ?? "{}") as { profileDir: string; bare?: boolean }
const memory = new MemorySampler()
const app = await createApp({ profiling: bare ? false : { profileDir }, logger: ["error"] })
await app.listen(0, "127.0.0.1")
const profiler = bare ? undefined : app.get<HttpProfiler>(SKETCHLOG_PROFILER)
await profiler?.ready
const logger = profiler?.logger
const requests = { all: 0, health: 0 }
app.getHttpServer().on("request", (req: { url?: string }) => {
  requests.all++
  if (req.url === "/health") requests.health++
})

const status = async () => ({
  requests: { ...requests },
  profiler: await profiler?.status(),
  logger: logger?.status(),
  memory: memory.peak(),
})

serveCommands({
  status,
  close: async () => {
    await app.close()
    return status()
  },
  exit: () => {
    setImmediate(() => process.exit(0))
  },
})
const address = app.getHttpServer().address() as { port: number }
announceReady({ url: `http://127.0.0.1:${address.port}`, profileDir: profiler?.profileDir })
