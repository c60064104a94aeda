import { spawn } from "node:child_process"
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const tsxCli = createRequire(import.meta.url).resolve("tsx/cli")
const app = fileURLToPath(new URL("./support/firstRunApp.ts", import.meta.url))

let dir = ""
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-first-run-"))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/**
 * Runs the one-liner app in `<root>/app` as `pnpm start` run from `<root>/stood` would (INIT_CWD),
 * with no session, store or folder configured but `env`.
 */
const runApp = async (name: string, watch: string, env: Record<string, string>) => {
  const root = join(dir, name)
  await mkdir(join(root, "app"), { recursive: true })
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    INIT_CWD: join(root, "stood"),
    WHYLOGS_CONFIG_PATH: join(root, "no-config"),
    ...env,
  }
  for (const name of ["WHYLABS_API_KEY", "SKETCHLOG_STORE", "SKETCHLOG_PROFILE_DIR"])
    if (env[name] === undefined) delete childEnv[name]
  return new Promise<{
    code: number | null
    report: { firstFileMs?: number; files: string[] }
    err: string
    root: string
  }>((resolve) => {
    const child = spawn(
      process.execPath,
      [tsxCli, "--conditions=@sketchlog/source", app, join(root, watch)],
      {
        cwd: join(root, "app"),
        env: childEnv,
        stdio: ["ignore", "pipe", "pipe"],
      },
    )
    let out = ""
    let err = ""
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk
    })
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk
    })
    child.once("exit", (code) =>
      resolve({ code, report: JSON.parse(out.trim().split("\n").pop() || "{}"), err, root }),
    )
  })
}

describe("the one-liner with nothing configured", () => {
  it("writes under ./sketchlog-profiles/<dataset>/ of where it was started, the first file within seconds of the first request, and says where and when", async () => {
    const { code, report, err, root } = await runApp("default", "stood/sketchlog-profiles", {})
    expect(code).toBe(0)
    expect(report.firstFileMs).toBeLessThan(30_000)
    expect(report.files.length).toBeGreaterThan(0)
    expect(err).toBe(
      `sketchlog: no session configured, profiles stay on this machine, in ${join(root, "stood", "sketchlog-profiles")}/<dataset>/ (the first file 10 s after the first request, then every 5 minutes and at shutdown); to upload, call init({ apiKey }) or set WHYLABS_API_KEY and WHYLABS_DEFAULT_ORG_ID\n`,
    )
    expect(await readdir(join(root, "app"))).toEqual([])
  }, 60_000)

  it("honours SKETCHLOG_PROFILE_DIR, relative to where it was started", async () => {
    const { code, report, err, root } = await runApp("env", "stood/elsewhere", {
      SKETCHLOG_PROFILE_DIR: "elsewhere",
    })
    expect(code).toBe(0)
    expect(report.files.length).toBeGreaterThan(0)
    expect(err).toContain(`in ${join(root, "stood", "elsewhere")}/<dataset>/`)
  }, 60_000)
})
