import { type CompactionResult, compactStore, openStore, type StoreError } from "@sketchlog/core/store"
import { type Command, Option } from "commander"
import { Effect, Either } from "effect"
import type { CliContext } from "../cli/CliContext.js"
import { writeLine } from "../cli/CliIo.js"
import { ExitCode } from "../cli/ExitCode.js"
import { parseCount } from "../cli/options.js"
import { parseTime } from "../cli/parseTime.js"
import { formatNumber } from "../format/numbers.js"
import { printable } from "../format/printable.js"
import { DownloadProgress } from "../profiles/DownloadProgress.js"
import { formatBytes, type ProgressMode } from "../upload/UploadProgress.js"

interface CompactCommandOptions {
  readonly dataset?: string
  readonly before?: number
  readonly from?: number
  readonly concurrency?: number
  readonly progress: ProgressMode
}

const plural = (n: number, word: string): string => `${formatNumber(n)} ${word}${n === 1 ? "" : "s"}`

const summary = (result: CompactionResult, seconds: number): string =>
  [
    `compacted ${plural(result.compacted, "partition")} (${plural(result.merged, "object")} merged)`,
    `${formatNumber(result.alreadyCompact)} already compact`,
    `deleted ${plural(result.removed, "object")}`,
    `read ${formatBytes(result.bytesRead)}, wrote ${formatBytes(result.bytesWritten)} in ${seconds.toFixed(1)}s`,
  ].join("; ")

/** `sketchlog compact`: each partition's per-replica objects of a store merged into one. */
export const registerCompact = (program: Command, context: CliContext): Command =>
  program
    .command("compact")
    .summary("merge each partition's per-replica profiles of a store into one object")
    .description(
      "Merge the objects of each (dataset, time bucket, segment) of a profile store — one per replica and write — into one object, so readers download one object per partition. Each merged object is written and read back before its inputs are deleted; a run that is interrupted at any point and run again neither loses nor double-counts a row, and readers count every row once meanwhile. Run one compactor per store at a time. LocalWriter folders (one file per bucket already) are left as they are.",
    )
    .argument("<store>", "s3://bucket/prefix, or a directory written by StoreWriter or S3Writer")
    .option("--dataset <id>", "only this dataset")
    .option(
      "--before <time>",
      "only buckets that started before this time (ISO 8601, or 2h, 1d before now); default: every bucket",
      parseTime(),
    )
    .option("--from <time>", "only buckets that started at or after this time", parseTime())
    .option("--concurrency <n>", "downloads at once per partition (default 8)", parseCount(1))
    .addOption(
      new Option("--progress <when>", "draw a progress bar on stderr")
        .choices(["auto", "always", "never"])
        .default("auto"),
    )
    .action(async (url: string, options: CompactCommandOptions) => {
      const started = performance.now()
      const progress = new DownloadProgress(options.progress, context.io.stderr, "compacting", "partitions")
      let total = 0
      let done = 0
      const outcome = await Effect.runPromise(
        Effect.either(
          Effect.flatMap(openStore(url), (store) =>
            compactStore(store, {
              datasetId: options.dataset,
              before: options.before,
              from: options.from,
              concurrency: options.concurrency,
              onListed: (groups) => {
                total = groups
                progress.update({ total, done, bytes: 0 })
              },
              onStep: (step) => {
                if (step.step === "written" || step.step === "verified") return
                done++
                progress.update({ total, done, bytes: 0 })
              },
            }),
          ),
        ),
      ).finally(() => progress.stop())
      if (Either.isLeft(outcome)) throw outcome.left satisfies StoreError
      const result = outcome.right
      writeLine(context.io.stdout, summary(result, (performance.now() - started) / 1000))
      for (const error of result.failed) {
        writeLine(context.io.stderr, `sketchlog compact: left as it is: ${printable(error.message)}`)
      }
      if (result.failed.length > 0) context.exitCode = ExitCode.failure
    })
