import { type ChildProcess, spawn } from "node:child_process"
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { describe, it, type TestContext } from "vitest"
import { type Call, sendAll } from "./support/http.js"
import { readProfiles, rowsBySegment } from "./support/profiles.js"

const here = dirname(fileURLToPath(import.meta.url))
const packageDir = join(here, "..")
const HINT = "shutdown hooks are off"
/** tsx's loader by URL, so a child started in any folder finds it. */
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href

interface Child {
  readonly process: ChildProcess
  readonly base: string
  /** Everything the child printed so far. */
  output(): string
  /** Resolves once the child has printed something `pattern` matches. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>
  /** Resolves with how the child ended: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts the fixture app under tsx (sources, not a build) and waits for it to listen. */
const startChild = (
  profileDir: string,
  mode: "hooks" | "no-hooks" | "first-run",
  where: { readonly cwd: string; readonly env: NodeJS.ProcessEnv } = { cwd: packageDir, env: process.env },
): Promise<Child> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=@sketchlog/source",
        "--import",
        tsx,
        join(here, "fixtures", "lifecycleApp.ts"),
        profileDir,
        mode,
      ],
      {
        cwd: where.cwd,
        env: { ...where.env, TSX_TSCONFIG_PATH: join(packageDir, "tsconfig.run.json"), NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      },
    )
    let out = ""
    const waiting: Array<{ pattern: RegExp; done: (match: RegExpExecArray) => void }> = []
    const append = (chunk: Buffer) => {
      out += chunk.toString()
      for (const w of waiting.splice(0)) {
        const match = w.pattern.exec(out)
        if (match !== null) w.done(match)
        else waiting.push(w)
      }
    }
    const waitFor = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((done) => {
        const match = pattern.exec(out)
        if (match !== null) done(match)
        else waiting.push({ pattern, done })
      })
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once("exit", (code, signal) => done({ code, signal })),
    )
    child.stdout!.on("data", append)
    child.stderr!.on("data", append)
    void waitFor(/ready (\d+)\n/).then(([, port]) =>
      resolve({ process: child, base: `http://127.0.0.1:${port}`, output: () => out, waitFor, exited }),
    )
    void exited.then(({ code, signal }) =>
      reject(new Error(`child ended early (${code ?? signal}):\n${out}`)),
    )
  })

const traffic: ReadonlyArray<Call> = [
  { method: "GET", path: "/items/1" },
  { method: "POST", path: "/items", body: { name: "nut", quantity: 1 } },
  { method: "GET", path: "/items/1/secret" },
  { method: "GET", path: "/missing" },
]

/**
 * A temporary profile directory and a child started in it, both cleaned up when the test ends (the
 * child killed if it is still running, e.g. after a failed assertion).
 */
const setUp = async (
  onTestFinished: TestContext["onTestFinished"],
  mode: "hooks" | "no-hooks",
): Promise<{ dir: string; child: Child }> => {
  const dir = await mkdtemp(join(tmpdir(), "sketchlog-nest-life-"))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  const child = await startChild(dir, mode)
  onTestFinished(async () => {
    if (child.process.exitCode === null && child.process.signalCode === null) {
      child.process.kill("SIGKILL")
      await child.exited
    }
  })
  return { dir, child }
}

// Concurrent: each test waits mostly on its own child process (tsx compiling the app).
describe.concurrent("lifecycle", () => {
  it("writes every profile on SIGTERM when shutdown hooks are on, without the hint", async ({
    expect,
    onTestFinished,
  }) => {
    const { dir, child } = await setUp(onTestFinished, "hooks")
    await sendAll(child.base, traffic, 5)
    child.process.kill("SIGTERM")
    const ended = await child.exited
    // Nest re-raises the signal once its shutdown hooks have run.
    expect(ended.signal ?? ended.code).toBe("SIGTERM")
    expect(child.output()).not.toContain(HINT)
    expect(rowsBySegment(await readProfiles(dir), "shop")).toEqual({
      "GET /items/:id": 5,
      "POST /items": 5,
      "GET /items/:id/secret": 5,
      "GET (unmatched)": 5,
    })
  })

  it("logs the hint once when shutdown hooks are off, and the process ends by itself after app.close()", async ({
    expect,
    onTestFinished,
  }) => {
    const { dir, child } = await setUp(onTestFinished, "no-hooks")
    await sendAll(child.base, traffic, 3)
    child.process.send("close")
    await child.waitFor(/^closed$/m)
    // Read while the process still runs: what is there now, app.close() wrote.
    const profiles = await readProfiles(dir)
    child.process.send("release")
    const ended = await child.exited
    expect(ended).toEqual({ code: 0, signal: null })
    expect(child.output().split(HINT).length - 1).toBe(1)
    expect(rowsBySegment(profiles, "shop")).toEqual({
      "GET /items/:id": 3,
      "POST /items": 3,
      "GET /items/:id/secret": 3,
      "GET (unmatched)": 3,
    })
    expect(profiles.filter((p) => p.dataset === "side")).toEqual([])
  })

  it("with nothing configured, writes under ./sketchlog-profiles/<dataset>/ of where it was started, the first file within seconds, and says so", async ({
    expect,
    onTestFinished,
  }) => {
    const dir = await mkdtemp(join(tmpdir(), "sketchlog-nest-first-"))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    await mkdir(join(dir, "app"))
    const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: join(dir, "stood") }
    env.WHYLOGS_CONFIG_PATH = join(dir, "no-config")
    for (const name of ["WHYLABS_API_KEY", "SKETCHLOG_STORE", "SKETCHLOG_PROFILE_DIR"]) delete env[name]
    const child = await startChild("-", "first-run", { cwd: join(dir, "app"), env })
    onTestFinished(async () => {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        child.process.kill("SIGKILL")
        await child.exited
      }
    })
    await sendAll(child.base, traffic, 1)
    const sent = Date.now()
    const folder = join(dir, "stood", "sketchlog-profiles")
    let rows: Record<string, number> = {}
    while (Object.keys(rows).length === 0 && Date.now() - sent < 30_000) {
      rows = rowsBySegment(await readProfiles(folder).catch(() => []), "shop")
      if (Object.keys(rows).length === 0) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    // On disk by itself (no flush, no shutdown yet), seconds after the requests.
    expect(rows["GET /items/:id"], child.output()).toBe(1)
    expect(child.output()).toContain(
      `no session configured, profiles stay on this machine, in ${folder}/<dataset>/ (the first file 10 s after the first request, then every 5 minutes and at shutdown)`,
    )
    expect(await readdir(join(dir, "app"))).toEqual([])
    child.process.kill("SIGTERM")
    await child.exited
  }, 90_000)
})
