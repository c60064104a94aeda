import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath, pathToFileURL } from "node:url"

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href
/** The entry beside this module: the source under tsx, the built file from dist/. */
const entry = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "./serveS3.ts" : "./serveS3.js", import.meta.url),
)

/** An `S3Server` in a child process (`serveS3.ts`), for benchmarks that must not share its CPU. */
export class S3ServerProcess {
  private constructor(
    readonly endpoint: string,
    readonly child: ChildProcess,
  ) {}

  static start(buckets: ReadonlyArray<string> = ["profiles"]): Promise<S3ServerProcess> {
    const child = spawn(
      process.execPath,
      ["--conditions=@sketchlog/source", "--import", tsx, entry, ...buckets],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    )
    return new Promise((resolve, reject) => {
      let out = ""
      child.once("exit", (code) => reject(new Error(`the S3 server exited (${code}) before listening`)))
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8")
        const line = out.split("\n")[0]
        if (out.includes("\n") && line !== undefined) {
          child.removeAllListeners("exit")
          resolve(new S3ServerProcess((JSON.parse(line) as { endpoint: string }).endpoint, child))
        }
      })
    })
  }

  /** Stops the server (its objects are deleted). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve()
      this.child.once("exit", () => resolve())
      this.child.kill("SIGTERM")
    })
  }
}
