import { writeFile } from "node:fs/promises"
import { resolve } from "node:path"
import type { Command } from "commander"
import type { CliContext } from "../cli/CliContext.js"
import { CliError } from "../cli/CliError.js"
import { writeLine } from "../cli/CliIo.js"
import { pathsOrDefault } from "../cli/defaultProfileDir.js"
import { ExitCode } from "../cli/ExitCode.js"
import { readInputs, type StoreArguments } from "../profiles/StoreInput.js"
import { renderReport } from "../report/renderReport.js"

interface ReportCommandOptions extends StoreArguments {
  readonly output: string
  readonly baseline?: string
  readonly title?: string
}

/** `sketchlog report`: one self-contained HTML page about the profiles. */
export const registerReport = (program: Command, context: CliContext): Command =>
  program
    .command("report")
    .summary("write a self-contained HTML report of profiles")
    .description(
      "Write one HTML file (no network needed to view it): a section per route (segment) with request and response body fields first and HTTP housekeeping folded, a summary table and a card per column — histogram or frequent values, quantile bands over time when the profiles have several dataset times, types and nulls, drift badges against --baseline (compared route by route when the baseline is segmented too).",
    )
    .argument(
      "[paths...]",
      "profile files, directories searched for .bin files, or stores (s3://bucket/prefix); default: $SKETCHLOG_PROFILE_DIR, else ./sketchlog-profiles",
    )
    .option("-o, --output <file>", "where to write the page", "report.html")
    .option("--baseline <path>", "a profile (or directory of profiles, merged) to compare with")
    .option("--title <text>", "the page title")
    .action(async (paths: string[], options: ReportCommandOptions) => {
      const files = await readInputs([...(await pathsOrDefault(paths, context))], options, context)
      const baselineFiles =
        options.baseline === undefined ? undefined : await readInputs([options.baseline], options, context)
      const page = renderReport(
        files.map((f) => f.view),
        {
          title: options.title,
          baselineViews: baselineFiles?.map((f) => f.view),
          baselineLabel: options.baseline,
          sources: files.map((f) => f.path),
        },
      )
      const target = resolve(context.cwd, options.output)
      try {
        await writeFile(target, page)
      } catch (error) {
        throw new CliError({
          exitCode: ExitCode.failure,
          reason: `cannot write ${options.output}: ${error instanceof Error ? error.message : String(error)}`,
        })
      }
      writeLine(context.io.stdout, target)
    })
