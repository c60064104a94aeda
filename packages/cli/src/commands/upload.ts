import { createHash } from "node:crypto"
import { stat } from "node:fs/promises"
import { resolve } from "node:path"
import { init, type SessionHandle } from "@sketchlog/core"
import { type Command, Option } from "commander"
import type { CliContext } from "../cli/CliContext.js"
import { authError, CliError, inputError, usageError } from "../cli/CliError.js"
import { writeLine } from "../cli/CliIo.js"
import { pathsOrDefault } from "../cli/defaultProfileDir.js"
import { describeFailure } from "../cli/describeFailure.js"
import { ExitCode } from "../cli/ExitCode.js"
import { parseCount } from "../cli/options.js"
import { printable } from "../format/printable.js"
import { DEFAULT_OUTBOX_WRITER, outboxSource } from "../upload/OutboxSource.js"
import { UploadManifest } from "../upload/UploadManifest.js"
import { formatBytes, type ProgressMode, UploadProgress } from "../upload/UploadProgress.js"
import {
  directorySource,
  UnreadableProfile,
  type UploadCandidate,
  type UploadPayload,
} from "../upload/UploadSource.js"

interface UploadOptions {
  readonly datasetId?: string
  readonly resume?: boolean
  readonly outbox: boolean
  readonly outboxWriter: string
  readonly concurrency: number
  readonly maxRetries?: number
  readonly progress: ProgressMode
}

/** A candidate with everything needed to send it. */
interface Planned {
  readonly candidate: UploadCandidate
  readonly datasetId: string
}

/** `sketchlog upload`: every profile of a directory (and its outbox) through the session, resumable. */
export const registerUpload = (program: Command, context: CliContext): Command =>
  program
    .command("upload")
    .summary("upload a directory of profiles (and the logger's outbox), resumably")
    .description(
      "Upload every .bin profile under a directory, and what the rolling logger's platform writer left in its outbox (<dir>/.outbox/whylabs/), through the configured session (see whoami). Profiles at <dir>/<dataset>/… go to <dataset>, outbox entries to their own dataset, unless --dataset-id says otherwise. An outbox entry is removed once the platform confirmed it; do not run this while a logger uses the same outbox (it replays it itself). What was uploaded is recorded in <dir>/.sketchlog-upload.json after each success; --resume skips what it lists (same bytes, same destination). Every failure is reported; the exit code is 1 when any upload failed, 4 when the platform refused the credentials.",
    )
    .argument(
      "[dir]",
      "the directory of profiles; default: $SKETCHLOG_PROFILE_DIR, else ./sketchlog-profiles",
    )
    .option("--dataset-id <id>", "upload every profile to this dataset")
    .option("--resume", "skip profiles the manifest lists as uploaded already")
    .option("--no-outbox", "leave the outbox alone")
    .option(
      "--outbox-writer <name>",
      "take the outbox entries of this writer (a WhyLabsWriter given another name)",
      DEFAULT_OUTBOX_WRITER,
    )
    .option("--concurrency <n>", "profiles uploaded at the same time", parseCount(1), 4)
    .option("--max-retries <n>", "retries of a failing upload (default: the session's, 4)", parseCount(0))
    .addOption(
      new Option("--progress <when>", "draw a progress bar")
        .choices(["auto", "always", "never"])
        .default("auto"),
    )
    .action(async (given: string | undefined, options: UploadOptions) => {
      const [dir] = (await pathsOrDefault(given === undefined ? [] : [given], context)) as [string]
      const root = resolve(context.cwd, dir)
      const info = await stat(root).catch(() => undefined)
      if (info === undefined || !info.isDirectory()) throw inputError(`${dir}: not a directory`)
      const sources = [
        directorySource(root),
        ...(options.outbox ? [outboxSource(root, options.outboxWriter)] : []),
      ]
      const candidates = (await Promise.all(sources.map((s) => s.list()))).flat()
      if (candidates.length === 0) throw inputError(`${dir}: no .bin profiles to upload`)
      const manifest = options.resume === true ? await UploadManifest.load(root) : UploadManifest.fresh(root)

      const session = await init({
        reinit: true,
        interactive: false,
        ...(options.maxRetries === undefined ? {} : { retry: { maxRetries: options.maxRetries } }),
      })
      try {
        await uploadAll(context, session, candidates, manifest, options)
      } finally {
        await session.close()
      }
    })

const uploadAll = async (
  context: CliContext,
  session: SessionHandle,
  candidates: ReadonlyArray<UploadCandidate>,
  manifest: UploadManifest,
  options: UploadOptions,
): Promise<void> => {
  const { io } = context
  if (session.kind === "local") {
    throw authError("not signed in, so nothing can be uploaded; run `sketchlog login` or set WHYLABS_API_KEY")
  }
  const status = session.status()
  const planned: Planned[] = []
  const undecided: string[] = []
  for (const candidate of candidates) {
    const datasetId = options.datasetId ?? candidate.datasetId ?? session.defaultDatasetId
    if (datasetId === undefined) undecided.push(candidate.key)
    else planned.push({ candidate, datasetId })
  }
  if (undecided.length > 0) {
    throw usageError(
      `no dataset for ${undecided.length} profile${undecided.length === 1 ? "" : "s"} (e.g. ${undecided[0]}): pass --dataset-id, put them in <dir>/<dataset>/, or set WHYLABS_DEFAULT_DATASET_ID`,
    )
  }

  const progress = new UploadProgress(options.progress, io.stderr, io.stdout)
  const counts = { uploaded: 0, skipped: 0, failed: 0, badInput: 0, bytes: 0 }
  const failures: string[] = []
  let bookkeepingFailed = false
  let refused: unknown
  progress.start(planned.length)

  const send = async ({ candidate, datasetId }: Planned): Promise<void> => {
    const destination = `${status.apiEndpoint ?? ""} ${session.orgId ?? ""} ${datasetId}`
    let payload: UploadPayload
    try {
      payload = await candidate.read()
    } catch (error) {
      if (!(error instanceof UnreadableProfile)) throw error
      counts.badInput++
      failures.push(`${candidate.key}: ${error.message}`)
      progress.done(candidate.key, { error: "unreadable" })
      return
    }
    const { bytes } = payload
    const sha256 = createHash("sha256").update(bytes).digest("hex")
    if (manifest.has(candidate.key, sha256, destination)) {
      counts.skipped++
      progress.done(candidate.key, { bytes: 0 })
      // Recorded, so the platform confirmed it: an outbox entry still here lost only its removal.
      await settle(candidate, candidate.onUploaded(), "it may be sent again")
      return
    }
    if (refused !== undefined) return
    try {
      const receipt = await session.uploadProfile({
        datasetId,
        datasetTimestamp: payload.datasetTimestamp,
        segmentTags: payload.segmentTags,
        bytes,
      })
      counts.uploaded++
      counts.bytes += bytes.length
      progress.done(candidate.key, { bytes: bytes.length })
      try {
        await manifest.record(candidate.key, {
          sha256,
          destination,
          datasetTimestamp: receipt.datasetTimestamp,
          bytes: bytes.length,
          uploadedAt: new Date().toISOString(),
          uploadId: receipt.id,
        })
      } catch (error) {
        failures.push(
          `${manifest.path}: cannot be written (${(error as Error).message}); --resume may upload ${candidate.key} again`,
        )
      }
      await settle(candidate, candidate.onUploaded(), "it may be sent again")
    } catch (error) {
      const failure = describeFailure(error)
      if (failure.exitCode === ExitCode.auth) refused ??= error
      counts.failed++
      failures.push(`${candidate.key}: ${failure.message}`)
      progress.done(candidate.key, { error: failure.message })
      await settle(candidate, candidate.onFailed(failure.message), "its attempt is not recorded")
    }
  }

  /** Outbox bookkeeping that fails is reported with what it means, never taken for a failed upload. */
  const settle = async (
    candidate: UploadCandidate,
    bookkeeping: Promise<void>,
    consequence: string,
  ): Promise<void> => {
    try {
      await bookkeeping
    } catch (error) {
      bookkeepingFailed = true
      failures.push(`${candidate.key}: ${describeFailure(error).message}; ${consequence}`)
    }
  }

  // A small pool: the session caps calls in flight too; this bounds files read into memory at once.
  let next = 0
  const worker = async () => {
    while (next < planned.length && refused === undefined) await send(planned[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency, planned.length) }, worker))
  progress.stop()

  const notTried = planned.length - counts.uploaded - counts.skipped - counts.failed - counts.badInput
  for (const line of failures) writeLine(io.stderr, `sketchlog upload: ${printable(line)}`)
  writeLine(
    io.stdout,
    `uploaded ${counts.uploaded} of ${planned.length} profiles (${formatBytes(counts.bytes)})` +
      `, ${counts.skipped} already uploaded, ${counts.failed} failed` +
      (counts.badInput > 0 ? `, ${counts.badInput} unreadable` : "") +
      (notTried > 0 ? `, ${notTried} not tried` : "") +
      (counts.uploaded > 0 ? `; recorded in ${manifest.path}` : ""),
  )
  if (refused !== undefined)
    throw new CliError({
      exitCode: ExitCode.auth,
      reason: `stopped, the credentials were refused: ${describeFailure(refused).message}`,
    })
  if (counts.failed > 0 || bookkeepingFailed) context.exitCode = ExitCode.failure
  else if (counts.badInput > 0) context.exitCode = ExitCode.badInput
}
