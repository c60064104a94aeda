import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { readWrittenProfiles, rowsBySegment } from "./support/profiles.js"
import { runApp } from "./support/runApp.js"

const app = fileURLToPath(new URL("./support/exitingApp.ts", import.meta.url))

/** Runs the app in a child process; resolves with its exit code and output once it exits by itself. */
const run = (dir: string, mode: string) => runApp(app, [dir, mode])

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
