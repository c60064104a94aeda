import { stat } from "node:fs/promises"
import { resolve } from "node:path"
import {
  type MergedProfile,
  openStore,
  type ProfileQuery,
  readMergedProfiles,
  type StoreError,
} from "@sketchlog/core/store"
import { type Command, Option } from "commander"
import { Effect, Either } from "effect"
import type { CliContext } from "../cli/CliContext.js"
import { inputError } from "../cli/CliError.js"
import { parseCount } from "../cli/options.js"
import { parseTime } from "../cli/parseTime.js"
import type { ProgressMode } from "../upload/UploadProgress.js"
import { DownloadProgress } from "./DownloadProgress.js"
import { type ProfileFile, readProfiles } from "./ProfileFiles.js"

/** The options that turn a path argument into a query of a profile store. */
export interface StoreArguments {
  readonly dataset?: string
  readonly from?: number
  readonly to?: number
  readonly segment?: string
  readonly concurrency?: number
  readonly progress?: ProgressMode
}

/** Adds `--dataset`, `--from`, `--to`, `--segment`, `--concurrency` and `--progress` to `command`. */
export const withStoreOptions = (command: Command): Command =>
  command
    .option("--dataset <id>", "with a store (s3://bucket/prefix or a directory): only this dataset")
    .option(
      "--from <time>",
      "with a store: buckets from this time (ISO 8601, or 2h, 7d before now)",
      parseTime(),
    )
    .option("--to <time>", "with a store: buckets before this time", parseTime())
    .option(
      "--segment <id>",
      'with a store: only this segment ("http.route=/users,http.method=GET"; "" = unsegmented)',
    )
    .option("--concurrency <n>", "with a store: downloads at once (default 16)", parseCount(1))
    .addOption(
      new Option("--progress <when>", "with a store: draw a download progress bar on stderr")
        .choices(["auto", "always", "never"])
        .default("auto"),
    )

const isStoreUrl = (path: string): boolean => /^(s3|file):\/\//i.test(path)

const queries = (options: StoreArguments): boolean =>
  options.dataset !== undefined ||
  options.from !== undefined ||
  options.to !== undefined ||
  options.segment !== undefined

/** `s3://b/p · model-1 · 2026-12-07T16:00:00Z · route=/a`: what a merged profile is called in output. */
const labelOf = (url: string, profile: MergedProfile): string =>
  [url, profile.datasetId, new Date(profile.timestamp).toISOString(), profile.segment]
    .filter((part) => part !== undefined)
    .join(" · ")

/**
 * The profiles of a store (`s3://bucket/prefix`, `file://…`, or a directory read as a store), merged
 * across replicas per dataset, bucket and segment, with a progress bar while they download.
 */
export const readStoreProfiles = async (
  url: string,
  options: StoreArguments,
  context: CliContext,
): Promise<ReadonlyArray<ProfileFile>> => {
  const location = isStoreUrl(url) ? url : resolve(context.cwd, url)
  const progress = new DownloadProgress(options.progress ?? "auto", context.io.stderr, "downloading")
  const query: ProfileQuery = {
    datasetId: options.dataset,
    from: options.from,
    to: options.to,
    segment: options.segment,
  }
  const read = await Effect.runPromise(
    Effect.either(
      Effect.flatMap(openStore(location), (store) =>
        readMergedProfiles(store, {
          ...query,
          concurrency: options.concurrency,
          onProgress: progress.update,
        }),
      ),
    ),
  ).finally(() => progress.stop())
  if (Either.isLeft(read)) throw read.left satisfies StoreError
  if (read.right.profiles.length === 0) {
    const asked = Object.entries(query)
      .filter(([, value]) => value !== undefined)
      .map(
        ([key, value]) =>
          `${key} ${typeof value === "number" ? new Date(value).toISOString() : JSON.stringify(value)}`,
      )
    throw inputError(`${url}: no profiles${asked.length === 0 ? "" : ` for ${asked.join(", ")}`}`)
  }
  return read.right.profiles.map((profile) => ({ path: labelOf(url, profile), view: profile.view }))
}

/**
 * The profiles the path arguments name: files and directories as before, and stores — an
 * `s3://bucket/prefix` URL always, a directory when a store option (`--dataset`, `--from`, `--to`,
 * `--segment`) is given — read through `readStoreProfiles`.
 */
export const readInputs = async (
  paths: ReadonlyArray<string>,
  options: StoreArguments,
  context: CliContext,
): Promise<ReadonlyArray<ProfileFile>> => {
  const out: ProfileFile[] = []
  for (const path of paths) {
    const asStore =
      isStoreUrl(path) ||
      (queries(options) &&
        (await stat(resolve(context.cwd, path)).catch(() => undefined))?.isDirectory() === true)
    out.push(
      ...(asStore
        ? await readStoreProfiles(path, options, context)
        : await readProfiles([path], context.cwd)),
    )
  }
  return out
}
