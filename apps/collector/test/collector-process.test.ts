import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { DatasetProfileView } from "@sketchlog/core"
import { FakePlatform } from "@sketchlog/test-fixtures"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { AUTH, logRequest, post, profilesOf, pubSubPush, TOKEN } from "./collectorClient.js"

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-collector-proc-"))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

interface Child {
  readonly proc: ChildProcess
  readonly url: Promise<string>
  readonly exit: Promise<{ code: number | null; stdout: string; stderr: string }>
}

/**
 * The collector's real entry point in a child process, with exactly `env` (plus PATH): resolves
 * `url` once it says where it listens, and `exit` when it ends by itself.
 */
const startChild = (env: Record<string, string>, args: string[] = []): Child => {
  const proc = spawn(process.execPath, ["--conditions=@sketchlog/source", "--import", tsx, main, ...args], {
    stdio: "pipe",
    env: {
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      WHYLOGS_CONFIG_PATH: join(dir, "cfg"),
      ...env,
    },
  })
  let stdout = ""
  let stderr = ""
  let found: ((url: string) => void) | undefined
  const url = new Promise<string>((resolve) => {
    found = resolve
  })
  proc.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString()
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
    if (match !== null) found?.(match[1] as string)
  })
  proc.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString()
  })
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const limit = setTimeout(() => {
      proc.kill("SIGKILL")
      reject(new Error(`the collector did not exit; it printed ${stdout} ${stderr}`))
    }, 60_000)
    proc.on("exit", (code) => {
      clearTimeout(limit)
      resolve({ code, stdout, stderr })
    })
  })
  const listening = Promise.race([url, exit.then((e) => Promise.reject(new Error(`exited: ${e.stderr}`)))])
  // A child that is expected to fail never listens: that is not an unhandled rejection.
  listening.catch(() => undefined)
  return { proc, url: listening, exit }
}

describe("the collector process", () => {
  it("refuses to start without a token, and says how to run without one", async () => {
    const child = startChild({ SKETCHLOG_PROFILE_DIR: join(dir, "none") })
    const { code, stderr } = await child.exit
    expect(code).toBe(2)
    expect(stderr).toMatch(/CONTAINER_PASSWORD: is not set/)
    expect(stderr).toMatch(/--insecure-no-auth/)
  })

  it("with --insecure-no-auth takes requests without a token, and exits 0 on SIGTERM", async () => {
    const profiles = join(dir, "open")
    const child = startChild({ SKETCHLOG_PROFILE_DIR: profiles }, ["--insecure-no-auth"])
    const url = await child.url
    expect((await post(`${url}/log`, logRequest("open", 3), {})).status).toBe(200)
    child.proc.kill("SIGTERM")
    const { code, stdout } = await child.exit
    expect(code).toBe(0)
    expect(stdout).toMatch(/auth: NONE/)
    expect((await profilesOf(profiles, "open"))?.getColumn("id")?.counts?.n).toBe(3)
  })

  it("on SIGTERM under load, finishes the requests in flight and writes every accepted row", async () => {
    const profiles = join(dir, "load")
    const child = startChild({ CONTAINER_PASSWORD: TOKEN, SKETCHLOG_PROFILE_DIR: profiles })
    const url = await child.url
    let accepted = 0
    let signalled = false
    let stop = false
    const sender = async (lane: number) => {
      for (let i = 0; !stop; i++) {
        const rows = 1 + ((lane * 7 + i) % 20)
        const body = logRequest("load", rows, lane * 1_000_000 + i * 100)
        try {
          const response = await post(
            `${url}${i % 3 === 0 ? "/publish" : "/log"}`,
            i % 3 === 0 ? pubSubPush(body) : body,
          )
          if (response.status === 200) accepted += response.body.rows as number
          // 503: the collector is shutting down; the sender would retry elsewhere.
          else if (response.status !== 503)
            throw new Error(`unexpected ${response.status}: ${JSON.stringify(response.body)}`)
        } catch (error) {
          // Once the server has closed its port, connections are refused: that lane is done.
          if (signalled) return
          throw error
        }
        if (!signalled && accepted > 3000) {
          signalled = true
          child.proc.kill("SIGTERM")
        }
      }
    }
    const lanes = Promise.all(Array.from({ length: 8 }, (_, lane) => sender(lane)))
    const { code, stdout } = await child.exit
    stop = true
    await lanes
    expect(code).toBe(0)
    expect(stdout).toMatch(/SIGTERM: finishing requests in flight/)
    expect(accepted).toBeGreaterThan(3000)
    const view = await profilesOf(profiles, "load")
    expect(view?.getColumn("id")?.counts?.n).toBe(accepted)
    expect(view?.getColumn("label")?.counts?.n).toBe(accepted)
  })

  it("uploads through a WhyLabs session (the fake platform) and sends everything on SIGTERM", async () => {
    const platform = await FakePlatform.start()
    try {
      const child = startChild({
        CONTAINER_PASSWORD: TOKEN,
        WHYLABS_API_KEY: platform.apiKey,
        WHYLABS_API_ENDPOINT: platform.url,
        SKETCHLOG_PROFILE_DIR: join(dir, "upload"),
        DEFAULT_WHYLABS_DATASET_CADENCE: "HOURLY",
      })
      const url = await child.url
      const hour = Date.UTC(2024, 5, 1, 10)
      expect((await post(`${url}/log`, logRequest("model-a", 40, 0, hour))).status).toBe(200)
      expect((await post(`${url}/log`, logRequest("model-a", 10, 40, hour + 3_600_000))).status).toBe(200)
      expect((await post(`${url}/publish`, pubSubPush(logRequest("model-b", 5, 0, hour)))).status).toBe(200)
      const status = (await (await fetch(`${url}/status`, { headers: AUTH })).json()) as {
        destination: string
      }
      expect(status.destination).toBe("whylabs")
      child.proc.kill("SIGTERM")
      expect((await child.exit).code).toBe(0)
      const rows = (datasetId: string) =>
        platform
          .profiles({ datasetId })
          .map((p) => DatasetProfileView.deserialize(p.bytes).getColumn("id")?.counts?.n ?? 0)
          .reduce((a, b) => a + b, 0)
      expect(rows("model-a")).toBe(50)
      expect(rows("model-b")).toBe(5)
      expect(
        platform
          .profiles({ datasetId: "model-a" })
          .map((p) => p.datasetTimestamp)
          .sort(),
      ).toEqual([hour, hour + 3_600_000])
      expect(platform.profiles()[0]?.orgId).toBe(platform.orgId)
    } finally {
      await platform.close()
    }
  })
})
