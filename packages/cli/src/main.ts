/**
 * The `sketchlog` executable: runs the command line of this process and leaves the exit code for
 * Node to exit with (so pending output is flushed first).
 */
import { processIo } from "./cli/CliIo.js"
import { run } from "./run.js"

process.exitCode = await run(process.argv.slice(2), processIo())
