import { spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { readWrittenProfiles, rowsBySegment } from "./support/profiles.js"

const tsxCli = createRequire(import.meta.url).resolve("tsx/cli")
const app = fileURLToPath(new URL("./support/exitingApp.ts", import.meta.url))

/** Runs the app in a child process; resolves with its exit code and output once it exits by itself. */
const run = (dir: string, mode: string) =>
  new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [tsxCli, "--conditions=@sketchlog/source", app, dir, mode], {
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
    // Were anything left holding the event loop, the child would never exit and this test would time out.
    child.once("exit", (code) => resolve({ code, out, err }))
  })

describe("clean shutdown", () => {
  const dirs: Array<string> = []
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  })

  for (const mode of ["in-thread", "worker"]) {
    it(`lets the process exit on its own after shutdown(), every profile written (${mode})`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "sketchlog-exit-"))
      dirs.push(dir)
      const { code, out, err } = await run(dir, mode)
      expect(err).toBe("")
      expect(out).toBe("shut down\n")
      expect(code).toBe(0)
      expect(Object.fromEntries(rowsBySegment(await readWrittenProfiles(dir, "exit")))).toEqual({
        "GET /item/:id": 20,
      })
    })
  }
})
