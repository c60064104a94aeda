import { SKETCHLOG_VERSION } from "@sketchlog/core/platform"
import { resolveProfileDir } from "@sketchlog/core/writers"
import { Command, CommanderError } from "commander"
import type { CliContext } from "./cli/CliContext.js"
import { type CliIo, writeLine } from "./cli/CliIo.js"
import { describeFailure } from "./cli/describeFailure.js"
import { ExitCode } from "./cli/ExitCode.js"
import { registerCheck } from "./commands/check.js"
import { registerCompact } from "./commands/compact.js"
import { registerDiff } from "./commands/diff.js"
import { registerInspect } from "./commands/inspect.js"
import { registerLogin } from "./commands/login.js"
import { registerLogout } from "./commands/logout.js"
import { registerMerge } from "./commands/merge.js"
import { registerReport } from "./commands/report.js"
import { registerServe } from "./commands/serve.js"
import { registerUpload } from "./commands/upload.js"
import { registerWhoami } from "./commands/whoami.js"
import { withStoreOptions } from "./profiles/StoreInput.js"

const EXIT_CODES_HELP = `
Exit codes:
  0   ok
  1   drift found (diff), a monitor fired (check), uploads failed (upload), partitions left as they were (compact), or an output could not be written
  2   usage: unknown command or option, missing argument, bad value, a malformed monitors file
  3   bad input file: missing, unreadable, or not a whylogs v1 profile (also in a store)
  4   not signed in, credentials refused (by the platform or the store), or unusable configuration
  5   the platform or the store could not be reached or answered with an error
  70  internal error (a bug in sketchlog)`

/** The command tree; settings made here (output, exit override) are inherited by every subcommand. */
const buildProgram = (context: CliContext): Command => {
  const { io } = context
  const program = new Command("sketchlog")
    .description(
      "Inspect, merge, compare, report and upload whylogs-compatible profiles; serve a monitor over a store and check its alert rules.",
    )
    .version(SKETCHLOG_VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help for a command")
    .addHelpText("after", EXIT_CODES_HELP)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's own errors ("error: unknown option …") become our one-line format.
      outputError: (text, write) =>
        write(
          `sketchlog: ${text
            .replace(/^error: /, "")
            .trim()
            .replace(/\s*\n\s*/g, " ")}\n`,
        ),
    })
  program.configureHelp({ sortSubcommands: false, showGlobalOptions: false })
  registerLogin(program, context)
  registerLogout(program, context)
  registerWhoami(program, context)
  withStoreOptions(registerInspect(program, context))
  withStoreOptions(registerMerge(program, context))
  withStoreOptions(registerDiff(program, context))
  withStoreOptions(registerReport(program, context))
  registerUpload(program, context)
  registerServe(program, context)
  registerCheck(program, context)
  registerCompact(program, context)
  return program
}

/**
 * Runs `sketchlog` with `argv` (the arguments after the program name) against `io`, and resolves
 * with the exit code instead of exiting, so tests run it in-process. Failures are printed as one
 * line on `io.stderr` (`sketchlog <command>: <what went wrong>`).
 */
export const run = async (argv: ReadonlyArray<string>, io: CliIo): Promise<ExitCode> => {
  const cwd = io.cwd ?? process.cwd()
  const context: CliContext = {
    io,
    cwd,
    defaultProfileDir: () =>
      resolveProfileDir(undefined, io.env ?? { ...process.env, INIT_CWD: process.env.INIT_CWD || cwd }),
    exitCode: ExitCode.ok,
  }
  const program = buildProgram(context)
  if (argv.length === 0) {
    program.outputHelp({ error: true })
    return ExitCode.usage
  }
  try {
    await program.parseAsync([...argv], { from: "user" })
    return context.exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are how commander ends after printing them.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.ok
      if (error.code === "commander.help") return ExitCode.usage
      return ExitCode.usage
    }
    const failure = describeFailure(error)
    const command = argv.find((a) => !a.startsWith("-"))
    writeLine(io.stderr, `sketchlog${command === undefined ? "" : ` ${command}`}: ${failure.message}`)
    if (
      failure.exitCode === ExitCode.internal &&
      process.env.SKETCHLOG_DEBUG === "1" &&
      error instanceof Error
    ) {
      writeLine(io.stderr, error.stack ?? "")
    }
    return failure.exitCode
  }
}
