import { resolve } from "node:path"
import { displayUrl } from "@sketchlog/core/store"
import type { Command } from "commander"
import { openCatalog } from "../catalog/openCatalog.js"
import type { CliContext } from "../cli/CliContext.js"
import { usageError } from "../cli/CliError.js"
import { writeLine } from "../cli/CliIo.js"
import { pathsOrDefault } from "../cli/defaultProfileDir.js"
import { parseCount } from "../cli/options.js"
import { printable } from "../format/printable.js"
import { MonitorBoard } from "../monitor/MonitorBoard.js"
import { readMonitorsFile } from "../monitor/MonitorsFile.js"
import { MonitorServerError, startMonitorServer } from "../serve/MonitorServer.js"

interface ServeOptions {
  readonly port: number
  readonly host: string
  readonly monitors?: string
  readonly token?: string
  readonly concurrency: number
  readonly cacheMb: number
}

/** Resolves when the process is asked to stop (SIGINT, SIGTERM) or `signal` aborts. */
const stopped = (signal: AbortSignal | undefined): Promise<void> =>
  new Promise((done) => {
    const finish = () => {
      process.off("SIGINT", finish)
      process.off("SIGTERM", finish)
      done()
    }
    if (signal !== undefined) {
      if (signal.aborted) return finish()
      signal.addEventListener("abort", finish, { once: true })
    } else {
      process.once("SIGINT", finish)
      process.once("SIGTERM", finish)
    }
  })

/** `sketchlog serve`: the monitor UI over a profile store. */
export const registerServe = (program: Command, context: CliContext): Command =>
  program
    .command("serve")
    .summary("open a web UI over a profile store (datasets, columns over time, drift, monitors)")
    .description(
      "Serve a read-only web UI over a directory of profiles or an s3:// store: datasets and their pulse, each column over hours and days, drift against a reference, and the monitors file's rules with when they fired. Everything it loads ships in the package (no CDN). Listens on 127.0.0.1 unless told otherwise; another address requires --token.",
    )
    .argument(
      "[store]",
      "a directory of profiles or an s3://bucket/prefix URL; default: $SKETCHLOG_PROFILE_DIR, else ./sketchlog-profiles",
    )
    .option("--port <port>", "port to listen on (0 picks a free one)", parseCount(0), 8080)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--monitors <file>", 'alert rules to show: { "monitors": [rule, …] } (see `sketchlog check`)')
    .option(
      "--token <token>",
      "require this token (Bearer header or the login form); default $SKETCHLOG_SERVE_TOKEN",
    )
    .option("--concurrency <n>", "profiles read at once", parseCount(1), 8)
    .option("--cache-mb <n>", "memory for digests of hours, in MiB", parseCount(16), 160)
    .action(async (given: string | undefined, options: ServeOptions) => {
      // The default folder may not exist yet: the pages show it once profiles appear.
      const [storeUrl] = (await pathsOrDefault(given === undefined ? [] : [given], context, {
        mustExist: false,
      })) as [string]
      if (options.port > 65535) throw usageError(`--port must be at most 65535, got ${options.port}`)
      const token = options.token ?? process.env.SKETCHLOG_SERVE_TOKEN
      const log = (line: string) => writeLine(context.io.stderr, `sketchlog serve: ${printable(line)}`)
      const rules =
        options.monitors === undefined
          ? undefined
          : await readMonitorsFile(resolve(context.cwd, options.monitors), options.monitors)
      const catalog = await openCatalog(storeUrl, context.cwd, {
        concurrency: options.concurrency,
        cacheBytes: options.cacheMb * 1024 * 1024,
        log,
      })
      // A listing that fails is shown in the pages (the directory may appear later), not fatal here.
      await catalog.refresh().catch(() => undefined)
      let server: Awaited<ReturnType<typeof startMonitorServer>>
      try {
        server = await startMonitorServer({
          catalog,
          board: rules === undefined ? undefined : new MonitorBoard(rules, catalog),
          host: options.host,
          port: options.port,
          token: token === "" ? undefined : token,
          storeLabel: displayUrl(storeUrl),
          log,
          warm: true,
        })
      } catch (error) {
        if (error instanceof MonitorServerError) throw usageError(error.message)
        throw error
      }
      writeLine(context.io.stdout, `sketchlog serve: ${server.url}`)
      await stopped(context.io.stop)
      await server.close()
    })
