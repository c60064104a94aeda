// The packaging test: what a new user gets from npm. Packs every package (`pnpm pack`), installs the
// tarballs with npm into an empty app in a temporary folder outside the workspace, writes the Express
// README's app exactly as the README shows it (its first code block and the "Shutdown" recipe) into
// server.mjs, runs it with node, sends it requests, stops it with SIGTERM as the recipe expects, and
// reads the profiles it wrote with the installed CLI (`npx sketchlog inspect`).
import assert from "node:assert/strict"
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { after, before, test } from "node:test"
import {
  createEmptyApp,
  npmEnvironmentFor,
  npmInstall,
  removeApp,
} from "../../scripts/packaging/emptyApp.mjs"
import { packWorkspace, repositoryRoot } from "../../scripts/packaging/packWorkspace.mjs"
import { readmeBlocks } from "./ReadmeBlocks.mjs"

const scratch = mkdtempSync(join(tmpdir(), "sketchlog-packaging-"))
let app = ""
after(() => {
  if (app !== "") removeApp(app)
  rmSync(scratch, { recursive: true, force: true })
})

/** The environment the app runs in: no session, config or profile folder of this machine's. */
const appEnvironment = (extra) => {
  const env = { ...npmEnvironmentFor(), ...extra, WHYLOGS_CONFIG_PATH: join(scratch, "whylogs-config") }
  for (const name of [
    "WHYLABS_API_KEY",
    "SKETCHLOG_PROFILE_DIR",
    "SKETCHLOG_STORE",
    // pnpm's record of where `pnpm test:packaging` was run: the app's profiles go where it was started.
    "INIT_CWD",
    "HTTP_PROXY",
    "HTTPS_PROXY",
  ]) {
    delete env[name]
  }
  return env
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })

before(() => {
  const started = Date.now()
  const tarballs = packWorkspace(join(scratch, "packs"))
  const express = JSON.parse(readFileSync(join(repositoryRoot, "packages/express/package.json"), "utf8"))
  app = createEmptyApp("packaging")
  npmInstall(app, [
    `express@${express.devDependencies.express}`,
    ...["@sketchlog/sketches", "@sketchlog/core", "@sketchlog/express", "@sketchlog/cli"].map((name) =>
      tarballs.get(name),
    ),
  ])
  console.log(`packed and installed in ${Math.round((Date.now() - started) / 1000)} s`)
})

test("the README's Express app runs from the installed tarballs, stops with its shutdown recipe, and the installed CLI reads its profiles", async () => {
  const blocks = readmeBlocks(join(repositoryRoot, "packages/express/README.md"))
  const appBlock = blocks[0]
  const shutdownBlock = blocks.find((block) => block.heading === "Shutdown")
  assert.equal(appBlock?.lang, "js")
  assert.ok(appBlock.code.includes('app.use(sketchlog({ datasetId: "model-1" }))'))
  assert.ok(shutdownBlock?.code.includes('process.on("SIGTERM"'))
  writeFileSync(join(app, "server.mjs"), `${appBlock.code}\n\n${shutdownBlock.code}\n`)

  const port = await freePort()
  const server = spawn(process.execPath, ["server.mjs"], {
    cwd: app,
    env: appEnvironment({ PORT: String(port) }),
    stdio: ["ignore", "pipe", "pipe"],
  })
  let output = ""
  server.stdout.on("data", (chunk) => {
    output += chunk
  })
  server.stderr.on("data", (chunk) => {
    output += chunk
  })
  const incomes = Array.from({ length: 40 }, (_, i) => 20_000 + i * 2_500)
  const exited = new Promise((resolve) => server.on("exit", (code, signal) => resolve({ code, signal })))
  try {
    const url = `http://127.0.0.1:${port}`
    for (let attempt = 0; ; attempt++) {
      const up = await fetch(`${url}/`).then(
        () => true,
        () => false,
      )
      if (up) break
      assert.ok(attempt < 300, `the app did not answer within 30 s: ${output}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    for (const income of incomes) {
      const response = await fetch(`${url}/v1/score`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ income, region: regionOf(income) }),
      })
      assert.equal(response.status, 200)
      assert.deepEqual(await response.json(), { approved: income > 40_000 })
    }
    server.kill("SIGTERM")
    const { code, signal } = await Promise.race([
      exited,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no exit 30 s after SIGTERM: ${output}`)), 30_000),
      ),
    ])
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, output)
  } finally {
    server.kill("SIGKILL")
  }

  const inspect = spawnSync(
    "npx",
    [
      "sketchlog",
      "inspect",
      "--json",
      "--merge",
      "--columns",
      "http.status,request.body.income",
      "sketchlog-profiles/model-1",
    ],
    { cwd: app, env: appEnvironment({}), encoding: "utf8" },
  )
  assert.equal(inspect.status, 0, inspect.stderr)
  const { profiles } = JSON.parse(inspect.stdout)
  assert.equal(profiles.length, 1)
  const columns = profiles[0].columns
  // The probe request (GET /, a 404) and the 40 scores: every request is a row.
  assert.equal(columns["http.status"]["counts/n"], 41)
  assert.equal(columns["request.body.income"]["counts/n"], 40)
  assert.equal(columns["request.body.income"]["distribution/max"], Math.max(...incomes))

  // The installed CLI's HTML report: its chart scripts ship in the package (ui/) and are inlined.
  const report = spawnSync(
    "npx",
    ["sketchlog", "report", "sketchlog-profiles/model-1", "-o", "report.html"],
    {
      cwd: app,
      env: appEnvironment({}),
      encoding: "utf8",
    },
  )
  assert.equal(report.status, 0, report.stderr)
  const html = readFileSync(join(app, "report.html"), "utf8")
  assert.match(html, /^<!doctype html>/i)
  assert.ok(html.includes("request.body.income"))
})

test("the installed core runs the rolling logger in worker mode (its worker entry ships beside the bundle)", () => {
  const script = [
    'import { createRollingLogger, DatasetProfileView, LocalWriter } from "@sketchlog/core"',
    'import { readdirSync } from "node:fs"',
    'const logger = createRollingLogger({ datasetId: "w", mode: "worker", writers: [new LocalWriter({ dir: "worker-profiles" })] })',
    "for (let i = 0; i < 500; i++) await logger.log({ x: i, label: 'l' + (i % 7) })",
    "await logger.close()",
    'const files = readdirSync("worker-profiles/w").filter((f) => f.endsWith(".bin"))',
    "let n = 0",
    'for (const f of files) n += (await DatasetProfileView.read("worker-profiles/w/" + f)).getColumn("x")?.counts?.n ?? 0',
    "console.log(n)",
  ].join("\n")
  writeFileSync(join(app, "worker.mjs"), script)
  const run = spawnSync(process.execPath, ["worker.mjs"], {
    cwd: app,
    env: appEnvironment({}),
    encoding: "utf8",
  })
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout.trim().split("\n").at(-1), "500")
})

test("a CommonJS program on this Node can require the installed adapter", () => {
  const required = spawnSync(
    process.execPath,
    [
      "-e",
      'const { sketchlog, shutdown } = require("@sketchlog/express"); console.log(typeof sketchlog, typeof shutdown)',
    ],
    { cwd: app, env: appEnvironment({}), encoding: "utf8" },
  )
  assert.equal(required.status, 0, required.stderr)
  assert.equal(required.stdout.trim(), "function function")
})

const regionOf = (income) => (income % 2 === 0 ? "eu" : "us")
