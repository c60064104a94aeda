import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runApp } from "./support/runApp.js"

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
const runFirstRun = async (name: string, watch: string, env: Record<string, string>) => {
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
  const { code, out, err } = await runApp(app, [join(root, watch)], { cwd: join(root, "app"), env: childEnv })
  const report = JSON.parse(out.trim().split("\n").pop() || "{}") as { firstFileMs?: number; files: string[] }
  return { code, report, err, root }
}

describe("the one-liner with nothing configured", () => {
  it("writes under ./sketchlog-profiles/<dataset>/ of where it was started, the first file within seconds of the first request, and says where and when", async () => {
    const { code, report, err, root } = await runFirstRun("default", "stood/sketchlog-profiles", {})
    expect(code).toBe(0)
    expect(report.firstFileMs).toBeLessThan(30_000)
    expect(report.files.length).toBeGreaterThan(0)
    expect(err).toBe(
      `sketchlog: no session configured, profiles stay on this machine, in ${join(root, "stood", "sketchlog-profiles")}/<dataset>/ (the first file 10 s after the first request, then every 5 minutes and at shutdown); to upload, call init({ apiKey }) or set WHYLABS_API_KEY and WHYLABS_DEFAULT_ORG_ID\n`,
    )
    expect(await readdir(join(root, "app"))).toEqual([])
  }, 60_000)

  it("honours SKETCHLOG_PROFILE_DIR, relative to where it was started", async () => {
    const { code, report, err, root } = await runFirstRun("env", "stood/elsewhere", {
      SKETCHLOG_PROFILE_DIR: "elsewhere",
    })
    expect(code).toBe(0)
    expect(report.files.length).toBeGreaterThan(0)
    expect(err).toContain(`in ${join(root, "stood", "elsewhere")}/<dataset>/`)
  }, 60_000)
})
