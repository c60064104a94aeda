import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises"
import { createServer, type Server } from "node:http"
import { connect } from "node:net"
import { networkInterfaces, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { init } from "@sketchlog/core"
import { login } from "@sketchlog/core/session"
import { type ConfigSandbox, configSandbox, FakePlatform } from "@sketchlog/test-fixtures"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sketchlog } from "../src/Cli.js"
import type { ExpressDemoStatus } from "../src/children/expressDemo.js"
import { FigureLog } from "../src/Figures.js"
import { burst } from "../src/HttpTraffic.js"
import { plantSecrets } from "../src/PlantedSecrets.js"
import { quickRetry, sandboxEnv } from "../src/PlatformRun.js"
import { listFiles } from "../src/ProfileFiles.js"
import { ServerProcess } from "../src/ServerProcess.js"
import { suiteMode } from "../src/SuiteMode.js"

const expressDemo = fileURLToPath(new URL("../src/children/expressDemo.ts", import.meta.url))
const figures = new FigureLog(import.meta.filename)

// Planted secrets, fresh each run, and the demo's traffic carrying them.
const { apiKey, secrets, leakForms, traffic: plantedTraffic } = plantSecrets()
const keySecret = secrets["API key secret"]

let platform: FakePlatform
let sandbox: ConfigSandbox
let dir: string
/** Every output of the run, by name: what must hold no secret. */
const outputs = new Map<string, Buffer>()
const modes: Array<{ path: string; mode: number; kind: "file" | "dir" }> = []
/** config.ini after `sketchlog login --api-key`: the one place the key belongs (the scan's positive control). */
let configIni = ""

const collectFiles = async (label: string, root: string) => {
  for (const file of await listFiles(root)) {
    const path = join(root, file)
    outputs.set(`${label}/${file}`, await readFile(path))
  }
}

const noteModes = async (root: string) => {
  for (const file of await listFiles(root)) {
    const path = join(root, file)
    modes.push({ path, mode: (await stat(path)).mode & 0o777, kind: "file" })
    let folder = join(path, "..")
    while (folder.startsWith(root) && folder !== root) {
      if (!modes.some((m) => m.path === folder))
        modes.push({ path: folder, mode: (await stat(folder)).mode & 0o777, kind: "dir" })
      folder = join(folder, "..")
    }
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-security-"))
  platform = await FakePlatform.start({ apiKeys: [apiKey] })
  sandbox = await configSandbox()
  const env = sandboxEnv(sandbox.dir, { WHYLABS_API_KEY: apiKey, WHYLABS_API_ENDPOINT: platform.url })
  await mkdir(join(dir, "events"))
  await mkdir(join(dir, "cli"))

  // 1. The demo uploading with the planted key (from WHYLABS_API_KEY), through refused and failing
  //    uploads (401, 503: error paths are where secrets leak), with its events logged at verbosity 2.
  const uploading = await ServerProcess.start(expressDemo, {
    config: {
      profileDir: join(dir, "uploading"),
      eventsLog: join(dir, "events", "events.jsonl"),
      sketchlog: {
        sessionOptions: { interactive: false, timeout: "1 second", defaultDatasetId: "loan-scoring" },
        logger: { writeSchedule: null, retry: { ...quickRetry, maxRetries: 1 } },
      },
    },
    env,
  })
  platform.faults.failNext(2, 401, "api").failNext(3, 503, "any").dropConnection(1, "upload")
  await burst(uploading.ready.url, 200, 8, plantedTraffic(1))
  await uploading.ask("flush")
  // What the refused uploads left in the outbox (replayed, and so deleted, once the platform answers).
  await collectFiles("uploading, outbox", join(dir, "uploading"))
  await noteModes(join(dir, "uploading"))
  platform.faults.clear()
  await burst(uploading.ready.url, 100, 8, plantedTraffic(2))
  outputs.set("uploading: status", Buffer.from(JSON.stringify(await uploading.ask("status"))))
  outputs.set("uploading: session status", Buffer.from(JSON.stringify(await uploading.ask("session-status"))))
  outputs.set(
    "uploading: final status",
    Buffer.from(JSON.stringify(await uploading.ask<ExpressDemoStatus>("close"))),
  )
  await uploading.ask("exit")
  await uploading.waitForExit()
  outputs.set("uploading: stdout", Buffer.from(uploading.stdout))
  outputs.set("uploading: stderr", Buffer.from(uploading.stderr))
  await collectFiles("events", join(dir, "events"))
  await noteModes(join(dir, "events"))

  // 2. The demo in local mode (its default), profiles on disk.
  const local = await ServerProcess.start(expressDemo, {
    config: { profileDir: join(dir, "local") },
    env: sandboxEnv(sandbox.dir),
  })
  await burst(local.ready.url, 300, 8, plantedTraffic(3))
  outputs.set("local: final status", Buffer.from(JSON.stringify(await local.ask<ExpressDemoStatus>("close"))))
  await local.ask("exit")
  await local.waitForExit()
  outputs.set("local: stdout", Buffer.from(local.stdout))
  outputs.set("local: stderr", Buffer.from(local.stderr))
  await collectFiles("local", join(dir, "local"))
  await noteModes(join(dir, "local"))

  // 3. The CLI over those profiles and that platform, with the key in the environment and in config.ini.
  sandbox.setEnv({ WHYLABS_API_ENDPOINT: platform.url })
  const profiles = join(dir, "local", "loan-scoring")
  const files = (await listFiles(profiles)).filter((f) => f.endsWith(".bin")).map((f) => join(profiles, f))
  const cli: Array<[string, string[], string?]> = [
    ["login --api-key -", ["login", "--api-key", "-", "--endpoint", platform.url], apiKey],
    ["whoami", ["whoami"]],
    ["whoami --json", ["whoami", "--json"]],
    ["inspect", ["inspect", profiles]],
    ["inspect --json", ["inspect", "--json", profiles]],
    ["inspect --full", ["inspect", "--full", profiles]],
    ["inspect --csv", ["inspect", "--csv", profiles]],
    ["merge", ["merge", ...files, "-o", join(dir, "cli", "merged.bin")]],
    ["diff", ["diff", "--json", "--fail-on", "never", files[0]!, join(dir, "cli", "merged.bin")]],
    ["report", ["report", profiles, "-o", join(dir, "cli", "report.html")]],
    ["upload", ["upload", join(dir, "local"), "--progress", "never"]],
  ]
  sandbox.setEnv({ WHYLABS_API_KEY: apiKey })
  for (const [name, args, stdin] of cli) {
    const result = await sketchlog(args, stdin === undefined ? {} : { stdin })
    outputs.set(`cli ${name}: stdout`, Buffer.from(result.stdout))
    outputs.set(`cli ${name}: stderr`, Buffer.from(result.stderr))
    expect(result.code, `${name}: ${result.stderr}`).toBe(0)
  }
  await collectFiles("cli", join(dir, "cli"))
  outputs.set("local: upload manifest", await readFile(join(dir, "local", ".sketchlog-upload.json")))
  for (const p of platform.profiles()) outputs.set(`platform: profile ${p.id}`, Buffer.from(p.bytes))
  configIni = await readFile(sandbox.configFile, "utf8")
  const logout = await sketchlog(["logout"])
  outputs.set("cli logout: stdout", Buffer.from(logout.stdout + logout.stderr))
  // config.ini may hold the key (that is where whylogs keeps it): only its mode is checked.
  modes.push({ path: sandbox.configFile, mode: (await stat(sandbox.configFile)).mode & 0o777, kind: "file" })
})

afterAll(async () => {
  await sandbox?.restore()
  await platform?.close()
  await rm(dir, { recursive: true, force: true })
})

describe(`security (${suiteMode})`, () => {
  it("no planted secret (API key, password field, bearer token, cookie, query value) in any output of a full demo run: profiles on disk and on the platform, outbox, status, events, logs, report, CLI output", () => {
    const found: string[] = []
    let bytes = 0
    for (const [name, content] of outputs) {
      bytes += content.length
      const text = content.toString("latin1")
      for (const { name: secret, form } of leakForms)
        if (text.includes(form)) found.push(`${secret} in ${name}`)
    }
    const profilesScanned = [...outputs.keys()].filter(
      (n) => n.endsWith(".bin") || n.startsWith("platform:"),
    ).length
    const outboxed = [...outputs.keys()].filter((n) => n.includes(".outbox/") && n.endsWith(".bin")).length
    figures.record(
      "security",
      "outputs scanned (profiles, outbox, status, events, logs, report, CLI output)",
      `${outputs.size} (${profilesScanned} profiles, ${outboxed} of them from the outbox, ${Math.round(bytes / 1024)} KB)`,
      "",
    )
    figures.record(
      "security",
      "planted secrets found in them (5 secrets × 4 encodings)",
      found.length,
      "",
      "= 0",
    )
    expect(outboxed).toBeGreaterThan(0)
    expect(profilesScanned).toBeGreaterThan(8)
    expect(outputs.has("events/events.jsonl")).toBe(true)
    expect(outputs.has("cli/report.html")).toBe(true)
    expect(found).toEqual([])
    // The scan sees a secret where one is: whylogs' config file holds the key by design.
    expect(leakForms.filter(({ form }) => configIni.includes(form)).map((f) => f.name)).toContain(
      "API key secret",
    )
  })

  it("file modes: config.ini, token cache, profiles, outbox and event log are private to their owner", async () => {
    await login({ ...platform.oauthClient, apiUrl: platform.url })
    const cache = join(sandbox.dir, "sketchlog-token.json")
    modes.push({ path: cache, mode: (await stat(cache)).mode & 0o777, kind: "file" })
    const open = modes.filter(
      (m) => (m.mode & 0o077) !== 0 && !m.path.endsWith(".html") && !m.path.includes("/cli/"),
    )
    const kinds = [".ini", "token.json", ".bin", ".json", ".jsonl"].map(
      (ext) =>
        `${ext} ${[...new Set(modes.filter((m) => m.kind === "file" && m.path.endsWith(ext)).map((m) => m.mode.toString(8)))].join("/")}`,
    )
    const dirs = [...new Set(modes.filter((m) => m.kind === "dir").map((m) => m.mode.toString(8)))]
    figures.record(
      "security",
      "file modes seen (config, token cache, profiles, outbox, events)",
      kinds.join(", "),
      "",
      "600",
    )
    figures.record("security", "folder modes seen (profiles, outbox)", dirs.join(", "), "", "700")
    figures.record("security", "files or folders readable by others", open.length, "", "= 0")
    expect(modes.some((m) => m.path.includes(".outbox") && m.path.endsWith(".bin"))).toBe(true)
    expect(open.map((m) => `${m.path} ${m.mode.toString(8)}`)).toEqual([])
  })

  it("the browser sign-in's callback server listens on 127.0.0.1 only, and only while the sign-in runs", async () => {
    let port = 0
    let listeners: string[] = []
    let outside: string | undefined
    await login({
      apiUrl: platform.url,
      showBrowser: async (url) => {
        const redirect = new URL(new URL(url).searchParams.get("redirect_uri") ?? "")
        expect(redirect.hostname).toBe("127.0.0.1")
        port = Number(redirect.port)
        listeners = await listeningOn(port)
        const external = Object.values(networkInterfaces())
          .flat()
          .find((a) => a !== undefined && a.family === "IPv4" && !a.internal)?.address
        outside = external === undefined ? "no external interface" : await tryConnect(external, port)
        // The "browser": the platform redirects to the callback with the code.
        const answer = await fetch(url, { redirect: "manual" })
        await fetch(answer.headers.get("location") ?? "")
      },
    })
    const after = await tryConnect("127.0.0.1", port)
    figures.record(
      "security",
      "login callback: listening sockets on its port",
      listeners.join(", "),
      "",
      "127.0.0.1 only",
    )
    figures.record(
      "security",
      "login callback: connection from a non-loopback address",
      outside ?? "",
      "",
      "refused",
    )
    figures.record("security", "login callback: after the sign-in", after, "", "refused")
    expect(listeners).toEqual(["127.0.0.1"])
    expect(outside === "ECONNREFUSED" || outside === "no external interface").toBe(true)
    expect(after).toBe("ECONNREFUSED")
  })

  it("plain-http endpoints off loopback are refused before anything is sent: init, login, the CLI, and a platform handing out an http:// upload URL", async () => {
    const offLoopback = "http://192.0.2.10" // TEST-NET-1: nothing answers there
    const refused: string[] = []
    const tagOf = async (promise: Promise<unknown>) =>
      promise.then(
        () => "accepted",
        (e: unknown) => String((e as { _tag?: string })._tag ?? e),
      )
    const t0 = performance.now()
    refused.push(
      `init: ${await tagOf(init({ reinit: true, apiKey, apiEndpoint: offLoopback, interactive: false }))}`,
    )
    refused.push(`login: ${await tagOf(login({ ...platform.oauthClient, apiUrl: offLoopback }))}`)
    const cli = await sketchlog(["login", "--api-key", "-", "--endpoint", offLoopback], { stdin: apiKey })
    refused.push(`sketchlog login: exit ${cli.code}`)
    // A platform on loopback (allowed) whose announcement hands out a plain-http upload URL elsewhere.
    const rogue = await rogueAnnouncer(`${offLoopback}/upload/x?sig=abc`)
    try {
      const session = await init({
        reinit: true,
        apiKey,
        apiEndpoint: rogue.url,
        interactive: false,
        timeout: "5 seconds",
      })
      refused.push(
        `upload to ${offLoopback}: ${await tagOf(session.uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: new Uint8Array(8) }, { retry: { maxRetries: 0 } }))}`,
      )
      await session.close()
    } finally {
      rogue.server.close()
    }
    const millis = Math.round(performance.now() - t0)
    figures.record("security", "plain-http endpoints off loopback", refused.join("; "), "", "all refused")
    figures.record(
      "security",
      "plain-http refusals: time for all four (nothing waits on the network)",
      millis,
      "ms",
    )
    expect(refused).toEqual([
      "init: ConfigError",
      "login: ConfigError",
      "sketchlog login: exit 2",
      `upload to ${offLoopback}: PlatformError`,
    ])
    expect(cli.stdout + cli.stderr).not.toContain(keySecret)
    expect(millis).toBeLessThan(4_000)
  })
})

/** The local addresses listening on TCP `port` (from /proc/net/tcp and tcp6). */
const listeningOn = async (port: number): Promise<string[]> => {
  const out: string[] = []
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const lines = (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1)
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/)
      if (local === undefined || state !== "0A") continue
      const [address, hexPort] = local.split(":")
      if (Number.parseInt(hexPort ?? "", 16) !== port) continue
      out.push(
        address?.length === 8
          ? Buffer.from(address, "hex").reverse().join(".")
          : address === "00000000000000000000000000000000"
            ? "::"
            : `ipv6 ${address}`,
      )
    }
  }
  return out
}

/** Connects to `host:port`: "connected", or the error code. */
const tryConnect = (host: string, port: number): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 })
    socket.on("connect", () => {
      socket.destroy()
      resolve("connected")
    })
    socket.on("timeout", () => {
      socket.destroy()
      resolve("timeout")
    })
    socket.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)))
  })

/** A loopback server that accepts any announcement and answers with `uploadUrl`. */
const rogueAnnouncer = async (uploadUrl: string): Promise<{ server: Server; url: string }> => {
  const server = createServer((req, res) => {
    req.resume()
    req.on("end", () => {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ id: "log-1", uploadUrl }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }
}
