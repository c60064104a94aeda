import { spawn } from "node:child_process"
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { type ConfigSandbox, configSandbox, FakePlatform, normals, repoRoot } from "@sketchlog/test-fixtures"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { profileOf, tempDir } from "./cliHarness.js"

const TSX = join(repoRoot, "node_modules", ".bin", "tsx")
const MAIN = join(repoRoot, "packages", "cli", "src", "main.ts")

/** `tsx --conditions=@sketchlog/source packages/cli/src/main.ts <args>` as a real child process. */
const sketchlog = (args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(TSX, ["--conditions=@sketchlog/source", MAIN, ...args], { cwd, env })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8")
    })
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

let dir: string
let cleanup: () => Promise<void>
let platform: FakePlatform
let sandbox: ConfigSandbox
beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
  platform = await FakePlatform.start()
  sandbox = await configSandbox()
  await profileOf({ amount: normals(1, 500, 10, 2) }).write(join(dir, "a.bin"))
  await profileOf({ amount: normals(2, 500, 14, 2) }).write(join(dir, "b.bin"))
  await writeFile(join(dir, "corrupt.bin"), "WHY1\u0005garbage")
})
afterAll(async () => {
  await sandbox.restore()
  await platform.close()
  await cleanup()
})

// Each child starts tsx and compiles the sources: seconds apiece on a loaded 2-core machine.
const CHILD_TIMEOUT = 60_000

describe("sketchlog as a child process", () => {
  it.concurrent(
    "inspects a profile as JSON and exits 0",
    async () => {
      const result = await sketchlog(["inspect", "a.bin", "--json"], dir)
      expect(result.code).toBe(0)
      const { profiles } = JSON.parse(result.stdout) as {
        profiles: Array<{ columns: Record<string, Record<string, number>> }>
      }
      expect(profiles[0]!.columns.amount!["counts/n"]).toBe(500)
    },
    CHILD_TIMEOUT,
  )

  it.concurrent(
    "exits 3 with one line on stderr for a corrupt profile, and 1 when diff finds drift",
    async () => {
      const [corrupt, diff] = await Promise.all([
        sketchlog(["inspect", "corrupt.bin"], dir),
        sketchlog(["diff", "a.bin", "b.bin"], dir),
      ])
      expect(corrupt.code).toBe(3)
      expect(corrupt.stdout).toBe("")
      expect(corrupt.stderr).toMatch(
        /^sketchlog inspect: corrupt\.bin: not a readable whylogs v1 profile: [^\n]+\n$/,
      )
      expect(diff.code).toBe(1)
      expect(diff.stdout).toMatch(/^amount +numeric .* DRIFT$/m)
    },
    CHILD_TIMEOUT,
  )

  it.concurrent(
    "uploads to the platform through the session and exits by itself when done",
    async () => {
      const env = {
        ...process.env,
        WHYLABS_API_KEY: platform.apiKey,
        WHYLABS_API_ENDPOINT: platform.url,
        WHYLABS_DEFAULT_DATASET_ID: "model-e2e",
        WHYLOGS_CONFIG_PATH: sandbox.dir,
      }
      const { dir: profiles, cleanup: done } = await tempDir()
      try {
        await profileOf({ x: [1, 2] }).write(join(profiles, "one.bin"))
        const result = await sketchlog(["upload", profiles], profiles, env)
        expect(result.stderr).toBe("")
        expect(result.code).toBe(0)
        expect(platform.profiles({ datasetId: "model-e2e" })).toHaveLength(1)
      } finally {
        await done()
      }
    },
    CHILD_TIMEOUT,
  )
})

describe("reading the default folder", () => {
  it("given no path, reads ./sketchlog-profiles of where it was started, as the logger and the adapters write it", async () => {
    await mkdir(join(dir, "sketchlog-profiles", "m-1"), { recursive: true })
    await profileOf({ amount: normals(3, 50, 10, 2) }).write(join(dir, "sketchlog-profiles", "m-1", "h.bin"))
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.INIT_CWD
    delete env.SKETCHLOG_PROFILE_DIR
    const result = await sketchlog(["inspect", "--json"], dir, env)
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    const { profiles } = JSON.parse(result.stdout) as { profiles: Array<{ file: string }> }
    expect(profiles.map((p) => p.file)).toEqual([join(dir, "sketchlog-profiles", "m-1", "h.bin")])
  })
})
