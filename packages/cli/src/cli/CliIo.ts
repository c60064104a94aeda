import { spawn } from "node:child_process"

/** Where a command reads and writes: the process's streams, or captured ones in tests. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined }
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined }
  readonly stdin: NodeJS.ReadableStream
  /** Relative paths are resolved against this directory (default: the process's). */
  readonly cwd?: string | undefined
  /**
   * The environment the default profile folder is read from (`SKETCHLOG_PROFILE_DIR`, `INIT_CWD`;
   * default: the process's, with `cwd` as where it was started when npm or pnpm did not say).
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** Opens a URL for the browser sign-in (default: the system's opener); tests follow it themselves. */
  readonly openBrowser?: ((url: string) => void | Promise<void>) | undefined
  /** Ends a long-running command (`serve`) as SIGINT would; tests use it (default: the process's signals). */
  readonly stop?: AbortSignal | undefined
}

/** The process's own streams and working directory. */
export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  openBrowser: systemOpener,
})

/**
 * Opens `url` with the platform's opener (`open`, `xdg-open`, `start`), detached; a missing opener is
 * not an error, since the URL is printed too.
 */
export const systemOpener = (url: string): Promise<void> =>
  new Promise((resolve) => {
    const [command, args] =
      process.platform === "darwin"
        ? ["open", [url]]
        : process.platform === "win32"
          ? ["cmd", ["/c", "start", "", url]]
          : ["xdg-open", [url]]
    try {
      const child = spawn(command, args, { stdio: "ignore", detached: true })
      child.on("error", () => resolve())
      child.on("spawn", () => {
        child.unref()
        resolve()
      })
    } catch {
      resolve()
    }
  })

/** Writes `text` and a newline. */
export const writeLine = (stream: NodeJS.WritableStream, text = ""): void => {
  stream.write(`${text}\n`)
}
