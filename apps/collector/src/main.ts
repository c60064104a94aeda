#!/usr/bin/env node
import { startCollector } from "./Collector.js"
import { loadCollectorConfig } from "./CollectorConfig.js"
/**
 * `sketchlog-collector`: starts the collector from the environment (see the README), stops it
 * gracefully on SIGTERM or SIGINT (every queued row profiled and written), and exits on its own.
 * Exit codes: 0 after a clean stop, 1 when it could not start or stop, 2 for a bad configuration.
 */
import { CollectorConfigError } from "./CollectorConfigError.js"
import { startupBanner } from "./StartupBanner.js"

const USAGE = `usage: sketchlog-collector [--host <address>] [--insecure-no-auth]

Serves POST /log, /log-embeddings, /publish (Pub/Sub push), /flush, GET /status (all with
Authorization: Bearer $CONTAINER_PASSWORD) and GET /health. Configured by environment variables:
CONTAINER_PASSWORD, PORT, HOST, WHYLABS_API_KEY, WHYLABS_DEFAULT_ORG_ID (or WHYLABS_ORG_ID),
WHYLABS_API_ENDPOINT, UPLOAD_DESTINATION, SKETCHLOG_PROFILE_DIR, DEFAULT_WHYLABS_DATASET_CADENCE,
DEFAULT_WHYLABS_UPLOAD_CADENCE, DEFAULT_WHYLABS_UPLOAD_INTERVAL, SKETCHLOG_EMBEDDINGS_FILE,
SKETCHLOG_MAX_BODY_BYTES, SKETCHLOG_QUEUE_CAPACITY, SKETCHLOG_LOGGER_MODE,
SKETCHLOG_SHUTDOWN_TIMEOUT_SECONDS (see the README).
--host <address>    the address to listen on: 127.0.0.1 (this machine only) unless given here or in
                    HOST; 0.0.0.0 for every interface (other machines, a container's port mapping)
--insecure-no-auth  accept requests without a token (anyone who can reach the port may send data)
`

const say = (line: string) => process.stdout.write(`sketchlog collector: ${line}\n`)
const complain = (line: string) => process.stderr.write(`sketchlog collector: ${line}\n`)

const argv = process.argv.slice(2)
if (argv.includes("--help")) {
  process.stdout.write(USAGE)
} else {
  try {
    const config = await loadCollectorConfig(process.env, argv)
    for (const notice of config.notices) complain(notice)
    const collector = await startCollector(config)
    const { banner, warning } = startupBanner(config, collector)
    say(banner)
    if (warning !== undefined) complain(warning)
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      say(`${signal}: finishing requests in flight and writing every profile`)
      // Should something keep the process alive after the stop, do not hang the container's shutdown.
      setTimeout(() => {
        complain("did not exit after stopping; exiting")
        process.exit(1)
      }, config.shutdownTimeoutMs + 10_000).unref()
      collector.close().then(
        (result) => {
          const { intake, logger } = collector.status()
          const accepted = Object.values(intake.accepted).reduce((n, k) => n + k.rows, 0)
          say(
            `stopped: ${accepted} rows accepted, ${logger.rows.profiled} profiled, ${result.profiles} profiles in the last write (${result.stored} stored, ${result.failures.length} failed)`,
          )
          process.exitCode = result.failures.some((f) => !f.outboxed) ? 1 : 0
        },
        (error: unknown) => {
          complain(`could not stop cleanly: ${error instanceof Error ? error.message : String(error)}`)
          process.exitCode = 1
        },
      )
    }
    process.on("SIGTERM", () => stop("SIGTERM"))
    process.on("SIGINT", () => stop("SIGINT"))
  } catch (error) {
    if (error instanceof CollectorConfigError) {
      complain(`cannot start: ${error.message}`)
      process.exitCode = 2
    } else {
      complain(`cannot start: ${error instanceof Error ? error.message : String(error)}`)
      process.exitCode = 1
    }
  }
}
