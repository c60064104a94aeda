import { spawn } from "node:child_process"
import { mkdir, mkdtemp, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadCollectorConfig } from "../src/CollectorConfig.js"
import { isExposed } from "../src/Exposure.js"
import { startupBanner } from "../src/StartupBanner.js"
import { logRequest, post, profilesOf, TOKEN } from "./collectorClient.js"

const root = fileURLToPath(new URL("../../..", import.meta.url))
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-collector-start-"))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const withToken = { CONTAINER_PASSWORD: TOKEN }

describe("where the collector listens", () => {
  it("binds 127.0.0.1 unless told otherwise; --host (either form) wins over HOST", async () => {
    expect((await loadCollectorConfig(withToken)).host).toBe("127.0.0.1")
    expect((await loadCollectorConfig({ ...withToken, HOST: "0.0.0.0" })).host).toBe("0.0.0.0")
    expect((await loadCollectorConfig({ ...withToken, HOST: "0.0.0.0" }, ["--host", "127.0.0.2"])).host).toBe(
      "127.0.0.2",
    )
    expect((await loadCollectorConfig(withToken, ["--host=::1"])).host).toBe("::1")
    for (const argv of [["--host"], ["--host="], ["--host", "--insecure-no-auth"]]) {
      await expect(loadCollectorConfig(withToken, argv)).rejects.toMatchObject({ setting: "--host" })
    }
  })

  it("counts every address but loopback as exposed", () => {
    for (const address of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.5", "fe80::1", "2001:db8::1"]) {
      expect([address, isExposed(address)]).toEqual([address, true])
    }
    for (const address of ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "::ffff:127.0.0.1", "localhost"]) {
      expect([address, isExposed(address)]).toEqual([address, false])
    }
  })

  it("the banner names the address really bound; exposed with no password, a warning says so", async () => {
    const open = await loadCollectorConfig({}, ["--insecure-no-auth"])
    const guarded = await loadCollectorConfig(withToken)
    const everywhere = {
      url: "http://127.0.0.1:8000",
      boundUrl: "http://0.0.0.0:8000",
      exposed: true,
      port: 8000,
    }
    const local = {
      url: "http://127.0.0.1:8000",
      boundUrl: "http://127.0.0.1:8000",
      exposed: false,
      port: 8000,
    }
    const exposedOpen = startupBanner(open, everywhere)
    expect(exposedOpen.banner).toMatch(
      /^listening on http:\/\/0\.0\.0\.0:8000 \(reachable from other machines; from this one: http:\/\/127\.0\.0\.1:8000; auth: NONE/,
    )
    expect(exposedOpen.warning).toMatch(
      /WARNING: .*no password.*anyone who can reach port 8000.*--host 127\.0\.0\.1/,
    )
    expect(startupBanner(guarded, everywhere).warning).toBeUndefined()
    expect(startupBanner(open, local)).toMatchObject({
      banner: expect.stringMatching(
        /^listening on http:\/\/127\.0\.0\.1:8000 \(this machine only; auth: NONE/,
      ),
      warning: undefined,
    })
  })

  it("the real process says the address it is bound to, and gives no warning on loopback", async () => {
    const proc = spawn(
      process.execPath,
      ["--conditions=@sketchlog/source", "--import", tsx, main, "--host", "127.0.0.2", "--insecure-no-auth"],
      {
        stdio: "pipe",
        env: { PATH: process.env.PATH ?? "", PORT: "0", SKETCHLOG_PROFILE_DIR: join(dir, "bound") },
      },
    )
    let stdout = ""
    let stderr = ""
    proc.stderr.on("data", (d: Buffer) => {
      stderr += d.toString()
    })
    const banner = await new Promise<string>((resolve, reject) => {
      const limit = setTimeout(() => reject(new Error(`no banner: ${stdout} ${stderr}`)), 60_000)
      proc.stdout.on("data", (d: Buffer) => {
        stdout += d.toString()
        const line = /listening on .*/.exec(stdout)?.[0]
        if (line !== undefined) {
          clearTimeout(limit)
          resolve(line)
        }
      })
    })
    const url = /listening on (\S+)/.exec(banner)?.[1] as string
    expect((await fetch(`${url}/health`)).status).toBe(200)
    const exited = new Promise((resolve) => proc.on("exit", resolve))
    proc.kill("SIGTERM")
    expect(await exited).toBe(0)
    expect(banner).toMatch(/^listening on http:\/\/127\.0\.0\.2:\d+ \(this machine only; auth: NONE/)
    expect(stderr).not.toMatch(/WARNING/)
  })
})

describe("settings it does not know", () => {
  it("warns of a SKETCHLOG_* variable and refuses a flag it does not know, naming the one meant", async () => {
    const config = await loadCollectorConfig({ ...withToken, SKETCHLOG_PROFILE_DIRS: "x" })
    expect(config.notices).toEqual([
      expect.stringMatching(
        /^SKETCHLOG_PROFILE_DIRS is not a setting of the collector, ignored; did you mean SKETCHLOG_PROFILE_DIR\?/,
      ),
    ])
    await expect(loadCollectorConfig({ ...withToken }, ["--insecure-no-auht"])).rejects.toMatchObject({
      setting: "--insecure-no-auht",
      reason: expect.stringMatching(/^unknown argument \(did you mean --insecure-no-auth\?\)/),
    })
    // Variables of the other sketchlog programs sharing the environment are not typos.
    await expect(
      loadCollectorConfig({
        ...withToken,
        SKETCHLOG_S3_FORCE_PATH_STYLE: "true",
        SKETCHLOG_SERVE_TOKEN: "t",
      }),
    ).resolves.toMatchObject({ port: 8000, notices: [] })
  })
})

describe("where the collector writes", () => {
  it("relative profile and embeddings paths are the user's (INIT_CWD), not apps/collector", async () => {
    const config = await loadCollectorConfig({ ...withToken, INIT_CWD: dir })
    expect(config.profileDir).toBe(join(dir, "sketchlog-profiles"))
    expect(
      (await loadCollectorConfig({ ...withToken, INIT_CWD: dir, SKETCHLOG_PROFILE_DIR: "out" })).profileDir,
    ).toBe(join(dir, "out"))
    expect((await loadCollectorConfig({ ...withToken, SKETCHLOG_PROFILE_DIR: "/abs/dir" })).profileDir).toBe(
      "/abs/dir",
    )
    await expect(
      loadCollectorConfig({ ...withToken, INIT_CWD: dir, SKETCHLOG_EMBEDDINGS_FILE: "refs.json" }),
    ).rejects.toMatchObject({
      setting: "SKETCHLOG_EMBEDDINGS_FILE",
      reason: expect.stringContaining(join(dir, "refs.json")),
    })
  })

  it("run with `pnpm --filter @sketchlog/collector start` from a folder, its profiles land in that folder, the first within seconds", async () => {
    const stood = join(dir, "where-i-stood")
    await mkdir(stood)
    const proc = spawn("pnpm", ["--dir", root, "--filter", "@sketchlog/collector", "start"], {
      cwd: stood,
      stdio: "pipe",
      detached: true, // its own process group: pnpm, tsx and the collector stop together
      env: { ...process.env, ...withToken, PORT: "0", SKETCHLOG_PROFILE_DIR: "", INIT_CWD: "" },
    })
    let stdout = ""
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const limit = setTimeout(() => reject(new Error(`no banner: ${stdout}`)), 60_000)
        proc.stdout.on("data", (d: Buffer) => {
          stdout += d.toString()
          const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
          if (found !== undefined) {
            clearTimeout(limit)
            resolve(found)
          }
        })
      })
      expect(stdout).toContain(
        `profiles written to ${join(stood, "sketchlog-profiles")}/<dataset>/, the first file 10 s after the first request, then every hour and at shutdown`,
      )
      expect((await post(`${url}/log`, logRequest("stood", 4))).status).toBe(200)
      // No flush: the first file is written by itself (in the logger's worker), seconds after the rows.
      const sent = Date.now()
      let rows: number | undefined
      while (rows === undefined && Date.now() - sent < 30_000) {
        rows = (
          await profilesOf(join(stood, "sketchlog-profiles"), "stood").catch(() => undefined)
        )?.getColumn("id")?.counts?.n
        if (rows === undefined) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(rows).toBe(4)
      expect(Date.now() - sent).toBeLessThan(30_000)
    } finally {
      const exited = new Promise((resolve) => proc.on("exit", resolve))
      process.kill(-(proc.pid as number), "SIGTERM")
      await exited
    }
  })
})
