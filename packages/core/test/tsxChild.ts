import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"

/** tsx's loader, so a child Node process runs TypeScript sources. */
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href

/** The session module's source as a URL, for scripts that import it in a child process. */
export const sessionModuleUrl = new URL("../src/session/index.ts", import.meta.url).href

/** How `runTsxChild` runs its child. */
export interface TsxChildOptions {
  /** Node flags before `--import tsx` (e.g. `--conditions=@sketchlog/source`). */
  readonly nodeFlags?: ReadonlyArray<string>
  /** Arguments after the script. */
  readonly args?: ReadonlyArray<string>
  /** Kill the child and fail when it has not exited by itself after this long; no limit when unset. */
  readonly limitMs?: number
  /** The child's working directory (default: this process's). */
  readonly cwd?: string
  /** The child's environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv
  /** Sees the child's stdout so far after every chunk, e.g. to signal it once it is ready. */
  readonly onStdout?: (out: string, child: ChildProcessWithoutNullStreams) => void
}

/**
 * Runs `script` in a fresh Node process (TypeScript through tsx) and resolves with the JSON of the
 * last line it printed; rejects when it exits with another code than 0, or outlives `limitMs` (a
 * leftover timer, server or socket keeps a process alive, so "did not exit" is what such a leak looks like).
 */
export const runTsxChild = <T>(script: string, options: TsxChildOptions = {}): Promise<T> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(options.nodeFlags ?? []), "--import", tsx, script, ...(options.args ?? [])],
      { stdio: "pipe", env: options.env ?? process.env, cwd: options.cwd },
    )
    let out = ""
    let err = ""
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString()
      options.onStdout?.(out, child)
    })
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString()
    })
    const limit =
      options.limitMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill("SIGKILL")
            reject(
              new Error(
                `the child did not exit on its own within ${options.limitMs} ms; it printed ${out} ${err}`,
              ),
            )
          }, options.limitMs)
    child.on("exit", (code) => {
      clearTimeout(limit)
      if (code !== 0) reject(new Error(`the child exited with ${code}: ${err}`))
      else resolve(JSON.parse(out.trim().split("\n").pop() ?? "{}") as T)
    })
  })
