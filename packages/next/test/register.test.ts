import { spawn } from "node:child_process"
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { DatasetProfileView } from "@sketchlog/core"
import { sharedHttpProfilers } from "@sketchlog/core/adapter"
import { afterAll, describe, expect, it, vi } from "vitest"
import { processState } from "../src/internal/processState.js"
import { EDGE_NOTICE } from "../src/internal/runtime.js"
import { register } from "../src/register.js"
import { sketchlogStatus } from "../src/status.js"

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")
/** tsx's loader by URL, so a child started in any folder finds it. */
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href
const temporary: Array<string> = []
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "sketchlog-next-register-"))
  temporary.push(dir)
  return dir
}

afterAll(async () => {
  await Promise.all(sharedHttpProfilers().map((p) => p.close()))
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })))
})

describe("register() on the edge runtime", () => {
  // First in this file: the notice is printed once per process.
  it("prints a one-line explanation and opens nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined)
    const previous = process.env.NEXT_RUNTIME
    process.env.NEXT_RUNTIME = "edge"
    let printed: Array<Array<unknown>>
    try {
      await register({ datasetId: "never" })
      await register({ datasetId: "never" })
    } finally {
      if (previous === undefined) delete process.env.NEXT_RUNTIME
      else process.env.NEXT_RUNTIME = previous
      printed = [...warn.mock.calls]
      warn.mockRestore()
    }
    expect(printed).toEqual([[EDGE_NOTICE]])
    expect(processState().registration).toBeUndefined()
    expect(sharedHttpProfilers()).toEqual([])
  })
})

describe("register() on Node.js", () => {
  it("rejects a bad option with core's HttpOptionsError, leaving the way open for a corrected call", async () => {
    const profileDir = await tempDir()
    const bad = register({
      datasetId: "first",
      sampleRate: 2,
      sessionOptions: { forceLocal: true },
      profileDir,
    })
    await expect(bad).rejects.toMatchObject({ _tag: "HttpOptionsError", option: "sampleRate" })
    await expect(
      register({ datasetId: "first", profiledir: profileDir } as Parameters<typeof register>[0]),
    ).rejects.toMatchObject({ option: "profiledir", message: 'unknown option; did you mean "profileDir"?' })
    expect(processState().registration).toBeUndefined()
    expect(processState().registered).toBeUndefined()
    expect(sharedHttpProfilers()).toEqual([])
    // (The next test's first call is that corrected call.)
  })

  it("opens one profiler per process, across repeated calls and re-evaluated modules (hot reload)", async () => {
    const profileDir = await tempDir()
    await register({ datasetId: "first", sessionOptions: { forceLocal: true }, profileDir })
    const opened = processState().registered
    expect(opened).toBeDefined()
    expect((await sketchlogStatus()).profiler).toMatchObject({
      state: "running",
      datasetId: "first",
      profileDir,
    })

    await register({ datasetId: "second", sessionOptions: { forceLocal: true }, profileDir })
    // `next dev` evaluates instrumentation.ts again on a hot reload: fresh modules, same process.
    vi.resetModules()
    const reloaded = (await import("../src/index.js")) as typeof import("../src/index.js")
    expect(reloaded.register).not.toBe(register)
    await reloaded.register({ datasetId: "third", sessionOptions: { forceLocal: true }, profileDir })

    expect(processState().registered).toBe(opened)
    expect(sharedHttpProfilers()).toEqual([opened])
    expect((await reloaded.sketchlogStatus()).profiler?.datasetId).toBe("first")
  })
})

/** Runs `fixtures/serverProcess.ts` under Node with the package's sources, until it says "ready". */
const startServerProcess = (
  mode: "alone" | "next-like" | "first-run",
  profileDir: string,
  requests: number,
  where: { readonly cwd: string; readonly env: NodeJS.ProcessEnv } = {
    cwd: packageDir,
    env: { ...process.env, SKETCHLOG_PROFILE_DIR: profileDir },
  },
) => {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@sketchlog/source",
      "--import",
      tsx,
      join(packageDir, "test", "fixtures", "serverProcess.ts"),
      mode,
    ],
    {
      cwd: where.cwd,
      env: { ...where.env, REQUESTS: String(requests) },
      stdio: ["ignore", "pipe", "pipe"],
    },
  )
  let output = ""
  child.stderr.on("data", (chunk) => (output += chunk))
  const ready = new Promise<void>((done, fail) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk
      if (output.includes("ready\n")) done()
    })
    child.once("exit", (code) => fail(new Error(`exited ${code} before ready:\n${output}`)))
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  )
  return { child, ready, exited, output: () => output }
}

/** Σ counts/n of `http.status` over every profile file under `dir/dataset`. */
const profiledRequests = async (dir: string): Promise<number> => {
  let total = 0
  for (const file of await readdir(dir)) {
    if (!file.endsWith(".bin")) continue
    total += (await DatasetProfileView.read(join(dir, file))).getColumn("http.status")?.counts?.n ?? 0
  }
  return total
}

describe("register() closes the logger on SIGTERM", () => {
  it.concurrent.for(["alone", "next-like"] as const)(
    "writes every profiled request before the process exits (%s)",
    { timeout: 60_000 },
    async (mode, { expect }) => {
      const profileDir = await tempDir()
      const server = startServerProcess(mode, profileDir, 25)
      await server.ready
      // Nothing is written before the signal: the write schedule is minutes away.
      expect(await readdir(profileDir).catch(() => [])).not.toContain("shutdown")
      server.child.kill("SIGTERM")
      const { code } = await server.exited
      expect(code).toBe(143)
      expect(await profiledRequests(join(profileDir, "shutdown"))).toBe(25)
    },
  )
})

describe("register() with nothing configured", () => {
  it("writes under ./sketchlog-profiles/<dataset>/ of where the server was started, the first file within seconds, and says so", {
    timeout: 90_000,
  }, async () => {
    const dir = await tempDir()
    await mkdir(join(dir, "app"))
    const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: join(dir, "stood") }
    env.WHYLOGS_CONFIG_PATH = join(dir, "no-config")
    for (const name of ["WHYLABS_API_KEY", "SKETCHLOG_STORE", "SKETCHLOG_PROFILE_DIR"]) delete env[name]
    const server = startServerProcess("first-run", "", 3, { cwd: join(dir, "app"), env })
    try {
      await server.ready
      const ready = Date.now()
      const folder = join(dir, "stood", "sketchlog-profiles")
      let requests = 0
      while (requests < 3 && Date.now() - ready < 30_000) {
        requests = await profiledRequests(join(folder, "shutdown")).catch(() => 0)
        if (requests < 3) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      // On disk by itself (no flush, no signal yet), seconds after the requests.
      expect(requests, server.output()).toBe(3)
      expect(server.output()).toContain(
        `no session configured, profiles stay on this machine, in ${folder}/<dataset>/ (the first file 10 s after the first request`,
      )
      expect(await readdir(join(dir, "app"))).toEqual([])
    } finally {
      server.child.kill("SIGTERM")
      await server.exited
    }
  })
})
