import { resolve } from "node:path"
import type { Command } from "commander"
import type { CliContext } from "../cli/CliContext.js"
import { CliError } from "../cli/CliError.js"
import { writeLine } from "../cli/CliIo.js"
import { ExitCode } from "../cli/ExitCode.js"
import { formatCount } from "../format/numbers.js"
import { rowCount } from "../profiles/ColumnFacts.js"
import { mergeAll } from "../profiles/ProfileFiles.js"
import { readInputs, type StoreArguments } from "../profiles/StoreInput.js"

/** `sketchlog merge`: several profiles (replicas, time windows) into one `.bin`. */
export const registerMerge = (program: Command, context: CliContext): Command =>
  program
    .command("merge")
    .summary("merge profiles into one .bin file")
    .description(
      "Merge profiles (e.g. one hour from ten replicas) into one whylogs v1 profile: counts add, sketches merge, the earliest dataset timestamp is kept.",
    )
    .argument(
      "<paths...>",
      "profile files, directories searched for .bin files, or stores (s3://bucket/prefix)",
    )
    .requiredOption("-o, --output <file>", "where to write the merged profile")
    .action(async (paths: string[], options: StoreArguments & { readonly output: string }) => {
      const files = await readInputs(paths, options, context)
      const merged = mergeAll(files.map((f) => f.view))
      try {
        await merged.write(resolve(context.cwd, options.output))
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause
        throw new CliError({
          exitCode: ExitCode.failure,
          reason: `cannot write ${options.output}: ${cause instanceof Error ? cause.message : String(cause)}`,
        })
      }
      writeLine(
        context.io.stdout,
        `merged ${files.length} profile${files.length === 1 ? "" : "s"} (${formatCount(merged.columns.size, "column")}, ${formatCount(rowCount(merged.columns.values()), "row")}) into ${options.output}`,
      )
    })
