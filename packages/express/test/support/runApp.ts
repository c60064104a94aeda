import { spawn } from "node:child_process"
import { createRequire } from "node:module"

const tsxCli = createRequire(import.meta.url).resolve("tsx/cli")

/** How a child app ended, and everything it printed. */
export interface AppRun {
  readonly code: number | null
  readonly out: string
  readonly err: string
}

/**
 * Runs a TypeScript app (the package's sources) in a child process and resolves once it exits by
 * itself: were anything left holding its event loop, the wait would never end and the test would
 * time out.
 */
export const runApp = (
  app: string,
  args: ReadonlyArray<string>,
  where: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<AppRun> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [tsxCli, "--conditions=@sketchlog/source", app, ...args], {
      cwd: where.cwd,
      env: where.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    })
    let out = ""
    let err = ""
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk
    })
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk
    })
    child.once("exit", (code) => resolve({ code, out, err }))
  })
