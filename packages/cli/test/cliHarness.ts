import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PassThrough } from "node:stream"
import { DatasetProfile, type DatasetProfileView } from "@sketchlog/core"
import type { DatasetProfileOptions } from "@sketchlog/core/profile"
import { run } from "../src/index.js"

/** What a run of the CLI printed and returned. */
export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** A text sink that records what is written to it. */
const capture = () => {
  const stream = new PassThrough()
  let text = ""
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8")
  })
  return { stream, text: () => text }
}

/** Options of an in-process run. */
export interface RunOptions {
  readonly cwd?: string
  readonly stdin?: NodeJS.ReadableStream
  readonly openBrowser?: (url: string) => void | Promise<void>
  /** Called with everything written to stderr so far, each time something is written. */
  readonly onStderr?: (text: string) => void
  /** Called with everything written to stdout so far, each time something is written. */
  readonly onStdout?: (text: string) => void
  /** Ends a long-running command (`serve`). */
  readonly stop?: AbortSignal
  /** The environment the default profile folder is read from (default: this process's). */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/** Runs `sketchlog <args>` in this process through `run(argv, io)`, capturing stdout and stderr. */
export const runCli = async (args: ReadonlyArray<string>, options: RunOptions = {}): Promise<CliResult> => {
  const stdout = capture()
  const stderr = capture()
  if (options.onStderr !== undefined) {
    const watch = options.onStderr
    stderr.stream.on("data", () => watch(stderr.text()))
  }
  if (options.onStdout !== undefined) {
    const watch = options.onStdout
    stdout.stream.on("data", () => watch(stdout.text()))
  }
  const stdin = options.stdin ?? new PassThrough().end()
  const code = await run(args, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin,
    cwd: options.cwd,
    openBrowser: options.openBrowser,
    stop: options.stop,
    env: options.env,
  })
  await new Promise((resolve) => setImmediate(resolve))
  return { code, stdout: stdout.text(), stderr: stderr.text() }
}

/** A temporary directory, removed by `cleanup()`. */
export const tempDir = async (): Promise<{ dir: string; cleanup: () => Promise<void> }> => {
  const dir = await mkdtemp(join(tmpdir(), "sketchlog-cli-"))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** A profile of `columns` (columnar), with options (timestamp, schema…). */
export const profileOf = (
  columns: Record<string, ReadonlyArray<unknown>>,
  options: DatasetProfileOptions = {},
): DatasetProfileView => {
  const profile = new DatasetProfile({ datasetTimestamp: Date.UTC(2024, 0, 1), ...options })
  profile.trackColumns(columns)
  return profile.view()
}
