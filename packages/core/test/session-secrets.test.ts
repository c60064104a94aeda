import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { inspect } from "node:util"
import * as Terminal from "@effect/platform/Terminal"
import { type ConfigSandbox, configSandbox, FakePlatform } from "@sketchlog/test-fixtures"
import { Cause, ConfigProvider, Effect, Either, Layer, Logger, LogLevel, Queue } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from "vitest"
import * as NodeFileSystem from "../src/node/NodeFileSystem.js"
import * as NodeHttpClient from "../src/node/NodeHttpClient.js"
import * as NodePath from "../src/node/NodePath.js"
import { init, parseApiKey, Session, type SessionHandle } from "../src/session/index.js"

// A planted key: the test fails if its secret part (or the whole key) shows up anywhere it must not.
const SECRET = "planted-secret-3f9a1c7e5b2d4c6a"
const KEY = `LEAKKEY000.${SECRET}:org-fake`

let platform: FakePlatform
let stranger: FakePlatform // a platform that does not know the key: every call is refused
let sandbox: ConfigSandbox
beforeAll(async () => {
  platform = await FakePlatform.start({ apiKeys: [KEY] })
  stranger = await FakePlatform.start()
})
afterAll(async () => {
  await platform.close()
  await stranger.close()
})
beforeEach(async () => {
  sandbox = await configSandbox()
})
afterEach(async () => {
  await sandbox.restore()
  vi.restoreAllMocks()
})

/** Every file under `dir`, recursively. */
const filesUnder = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? filesUnder(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]),
    ),
  )
  return nested.flat()
}

it("never shows a planted API key in logs, errors, status, printing, events or files other than config.ini", async () => {
  const seen: string[] = []
  const record = (...parts: unknown[]) =>
    seen.push(parts.map((p) => (typeof p === "string" ? p : inspect(p, { depth: 8 }))).join(" "))
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation(record)
  }

  // Promise face: a working session, one that retries and fails, one the platform refuses.
  const session = await init({
    reinit: true,
    apiKey: KEY,
    apiEndpoint: platform.url,
    retry: { maxRetries: 1, baseDelay: "1 millis" },
    timeout: "200 millis",
  })
  const eventsPath = join(sandbox.dir, "events.jsonl")
  await session.logEventsToFile(eventsPath, 2)
  session.onProgress((event) => record(JSON.stringify(event), event))
  const sessions: SessionHandle[] = [session]
  await session.uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: new Uint8Array([1]) })
  platform.faults.failNext(2, 500, "api")
  await session
    .uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: new Uint8Array([1]) })
    .catch(record)
  platform.faults.hang(2, "api")
  await session
    .uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: new Uint8Array([1]) })
    .catch(record)
  const refused = await init({ reinit: true, apiKey: KEY, apiEndpoint: stranger.url })
  sessions.push(refused)
  await refused
    .uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: new Uint8Array([1]) })
    .catch(record)
  const unreachable = await init({
    reinit: true,
    apiKey: KEY,
    apiEndpoint: "http://127.0.0.1:9",
    retry: { maxRetries: 0 },
  })
  sessions.push(unreachable)
  await unreachable
    .uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: new Uint8Array([1]) })
    .catch(record)
  for (const s of sessions)
    record(s, String(s), JSON.stringify(s), s.status(), inspect(s.service, { depth: 8 }))
  await init({ reinit: true, apiKey: `${KEY.split(":")[0]}:acme` }).catch(record) // an invalid org suffix
  await init({ reinit: true, apiKey: `X${KEY}` }).catch(record) // the '.' is not at index 10
  record(parseApiKey(KEY, "test"), Either.getOrThrow(parseApiKey(KEY, "test")).toString())
  await Promise.all(sessions.map((s) => s.close()))
  await (await init({ reinit: true, forceLocal: true })).close()

  // Effect face, with every log level captured, and a prompt that stores the key in config.ini.
  const logger = Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ message, cause }) => record(message, Cause.isEmpty(cause) ? "" : Cause.pretty(cause))),
  )
  const terminal = Layer.succeed(Terminal.Terminal, {
    columns: Effect.succeed(80),
    rows: Effect.succeed(24),
    isTTY: Effect.succeed(true),
    readInput: Effect.dieMessage("not used"),
    readLine: Effect.succeed(KEY),
    display: (text: string) => Effect.sync(() => record(text)),
  })
  const effectFace = Effect.gen(function* () {
    const s = yield* Session
    const events = yield* s.subscribe
    platform.faults.failNext(1, 503, "upload")
    yield* s.uploadProfile({ datasetId: "e", datasetTimestamp: 0, bytes: new Uint8Array([2]) })
    record(...(yield* Queue.takeAll(events)), yield* s.status)
    yield* Effect.logDebug("debug line", s)
  })
  await Effect.runPromise(
    Effect.scoped(effectFace).pipe(
      Effect.provide(
        Session.layerWith({ apiEndpoint: platform.url, retry: { baseDelay: "1 millis" } }).pipe(
          Layer.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeHttpClient.layer, terminal)),
        ),
      ),
      Effect.provide(logger),
      Logger.withMinimumLogLevel(LogLevel.All),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["WHYLOGS_CONFIG_PATH", sandbox.dir]]))),
    ),
  )

  // The captured output is real: errors, statuses and events were recorded, naming the key by its id only.
  const all = seen.join("\n")
  expect(all).toContain("LEAKKEY000")
  expect(all).toContain("TimeoutError")
  expect(all).toContain("AuthError")
  expect(all).toContain("ApiKeyError")
  expect(all).toContain("UploadSucceeded")
  expect(all).not.toContain(SECRET)

  const files = await filesUnder(sandbox.dir)
  expect(files.map((f) => f.slice(sandbox.dir.length + 1)).sort()).toEqual(["config.ini", "events.jsonl"])
  for (const file of files) {
    const text = await readFile(file, "utf8")
    if (file === sandbox.configFile) expect(text).toContain(`api_key = ${KEY}`)
    else expect(text, file).not.toContain(SECRET)
  }
  expect(await readFile(eventsPath, "utf8")).toContain("UploadFailed")
})
