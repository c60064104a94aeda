import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { DatasetProfileView } from "@sketchlog/core"
import { freePort } from "@sketchlog/test-fixtures/bench"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const nextBin = join(appDir, "node_modules", "next", "dist", "bin", "next")
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" }

/** Runs a command to completion; rejects with its output when it fails. */
const run = (command: string, args: ReadonlyArray<string>, cwd: string): Promise<string> =>
  new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.once("error", fail)
    child.once("exit", (code) =>
      code === 0 ? done(output) : fail(new Error(`${command} exited ${code}:\n${output}`)),
    )
  })

/** A `next start` process and everything it printed. */
interface Server {
  readonly child: ChildProcess
  readonly url: string
  output: string
}

const startServer = async (profileDir: string): Promise<Server> => {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [nextBin, "start", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: appDir,
      env: { ...env, SKETCHLOG_PROFILE_DIR: profileDir },
      stdio: ["ignore", "pipe", "pipe"],
    },
  )
  const server: Server = { child, url: `http://127.0.0.1:${port}`, output: "" }
  child.stdout!.on("data", (chunk) => (server.output += chunk))
  child.stderr!.on("data", (chunk) => (server.output += chunk))
  // Ready once it answers; `register()` has then run (Next.js awaits it before serving).
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`next start exited ${child.exitCode}:\n${server.output}`)
    try {
      if ((await fetch(`${server.url}/api/health`)).ok) return server
    } catch {
      // not listening yet
    }
    if (attempt > 300) throw new Error(`next start did not answer:\n${server.output}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const stopServer = (server: Server, signal: NodeJS.Signals): Promise<number | null> =>
  new Promise((done) => {
    if (server.child.exitCode !== null) return done(server.child.exitCode)
    server.child.once("exit", (code, killedBy) => done(code ?? (killedBy === null ? null : 128)))
    server.child.kill(signal)
  })

const application = (i: number) => ({
  age: 25 + (i % 40),
  annual_income: 40_000 + 1_000 * (i % 50),
  loan_amount: 5_000 + 250 * (i % 30),
  loan_term_months: [12, 24, 36, 48, 60][i % 5],
  credit_score: 580 + (i % 250),
  employment_status: ["employed", "self_employed", "retired", "student"][i % 4],
  years_employed: i % 12,
  debt_to_income: 0.1 + (i % 7) / 20,
  num_open_accounts: i % 9,
  num_delinquencies: i % 3,
  home_ownership: ["rent", "own", "mortgage"][i % 3],
  purpose: ["car", "education", "medical"][i % 3],
  has_cosigner: i % 5 === 0,
})

const postJson = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

/** Reads every profile of a dataset and sums `counts/n` of one column per value of the `http.route` segment. */
const countsByRoute = async (datasetDir: string): Promise<Map<string, number>> => {
  const totals = new Map<string, number>()
  for (const file of await readdir(datasetDir)) {
    if (!file.endsWith(".bin")) continue
    const view = await DatasetProfileView.read(join(datasetDir, file))
    const segment = view.segment
    expect(segment?.columns).toEqual(["http.route", "http.method"])
    const route = `${segment!.values[1]} ${segment!.values[0]}`
    const n = view.getColumn("http.status")?.counts?.n ?? 0
    totals.set(route, (totals.get(route) ?? 0) + n)
  }
  return totals
}

describe("apps/next-demo, built and served by Next.js", () => {
  let profileDir: string
  let server: Server
  let exitCode: number | null

  // What the test sends, per "METHOD template": the number of requests.
  const sent = new Map<string, number>()
  const count = (key: string) => sent.set(key, (sent.get(key) ?? 0) + 1)

  beforeAll(async () => {
    profileDir = await mkdtemp(join(tmpdir(), "sketchlog-next-e2e-"))
    // The demo's own build script: the adapter's dist (tsc -b), then `next build`, offline.
    await run("pnpm", ["run", "build"], appDir)
    server = await startServer(profileDir)
  })

  afterAll(async () => {
    if (server !== undefined) await stopServer(server, "SIGKILL")
    if (profileDir !== undefined) await rm(profileDir, { recursive: true, force: true })
  })

  it("profiles every request of every route into per-route segments, written on SIGTERM", async () => {
    const base = server.url
    const decisions: Array<string> = []
    for (let i = 0; i < 30; i++) {
      const response = await postJson(`${base}/api/score`, application(i))
      expect(response.status).toBe(200)
      decisions.push(((await response.json()) as { application_id: string }).application_id)
      count("POST /api/score")
    }
    for (let i = 0; i < 4; i++) {
      // Invalid (422) and malformed (400) bodies are answers of the same route.
      const response = await postJson(`${base}/api/score`, { ...application(i), credit_score: 9_000 })
      expect(response.status).toBe(422)
      count("POST /api/score")
    }
    const malformed = await fetch(`${base}/api/score`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"age": 41, "annual_',
    })
    expect(malformed.status).toBe(400)
    count("POST /api/score")

    for (let i = 0; i < 8; i++) {
      expect((await fetch(`${base}/api/models`)).status).toBe(200)
      count("GET /api/models")
    }
    for (const id of ["credit-v3", "credit-v4-shadow", "credit-v3", "credit-v9", "x y%z", "models"]) {
      const response = await fetch(`${base}/api/models/${encodeURIComponent(id)}`)
      expect(response.status).toBe(id.startsWith("credit-v") && id !== "credit-v9" ? 200 : 404)
      count("GET /api/models/[id]")
    }
    for (let i = 0; i < 6; i++) {
      const model = i % 3 === 2 ? "credit-v9" : "credit-v4-shadow"
      const response = await postJson(`${base}/api/models/${model}/score`, application(i))
      expect(response.status).toBe(model === "credit-v9" ? 404 : 200)
      count("POST /api/models/[id]/score")
    }
    for (let i = 0; i < 10; i++) {
      const id = i < 8 ? decisions[i]! : `00000000-0000-4000-8000-00000000000${i}`
      const response = await fetch(`${base}/api/applications/${id}`)
      expect(response.status).toBe(i < 8 ? 200 : 404)
      count("GET /api/applications/[id]")
    }
    for (let i = 0; i < 3; i++) {
      const batch = Array.from({ length: 25 }, (_, k) => application(i * 25 + k))
      const response = await postJson(`${base}/api/score/stream`, { applications: batch })
      expect(response.headers.get("content-type")).toBe("application/x-ndjson")
      // The stream arrives whole: one decision per application, in order.
      const lines = (await response.text()).trim().split("\n")
      expect(lines).toHaveLength(25)
      expect(lines.every((line) => "prediction" in JSON.parse(line))).toBe(true)
      count("POST /api/score/stream")
    }
    for (let i = 0; i < 7; i++) {
      const response = await postJson(`${base}/api/legacy/score`, application(i))
      expect(response.status).toBe(200)
      count("POST /api/legacy/score")
    }
    for (const id of ["credit-v3", "credit-v4-shadow", "nope"]) {
      const response = await fetch(`${base}/api/legacy/models/${id}?verbose=1`)
      expect(response.status).toBe(id === "nope" ? 404 : 200)
      count("GET /api/legacy/models/[id]")
    }
    // Not profiled: the health check (ignored by instrumentation.ts), the unwrapped twin, the status route.
    for (let i = 0; i < 5; i++) expect((await fetch(`${base}/api/health`)).status).toBe(200)
    expect((await postJson(`${base}/api/unprofiled/score`, application(1))).status).toBe(200)

    const status = (await (await fetch(`${base}/api/sketchlog`)).json()) as {
      profiler: { state: string; session: string; exchanges: { recorded: number } }
      scheduled: { after: number; fallback: number }
    }
    const total = [...sent.values()].reduce((a, b) => a + b, 0)
    const pagesRequests =
      (sent.get("POST /api/legacy/score") ?? 0) + (sent.get("GET /api/legacy/models/[id]") ?? 0)
    expect(status.profiler.state).toBe("running")
    expect(status.profiler.session).toBe("local")
    // Every App Router request's profiling ran in Next.js's after(), none in the fallback
    // (the health checks before the first /api/health that answered count too).
    expect(status.scheduled.fallback).toBe(0)
    expect(status.scheduled.after).toBeGreaterThanOrEqual(total - pagesRequests + 5)

    exitCode = await stopServer(server, "SIGTERM")
    expect(server.output).not.toMatch(/error/i)
    const byRoute = await countsByRoute(join(profileDir, "loan-scoring"))
    expect(Object.fromEntries(byRoute)).toEqual(Object.fromEntries(sent))
    expect([...byRoute.values()].reduce((a, b) => a + b, 0)).toBe(total)
  })

  it("exits as SIGTERM asks, after the profiles are written", () => {
    expect(exitCode).toBe(143)
  })
})
