import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Terminal from "@effect/platform/Terminal"
import { FakePlatform } from "@sketchlog/test-fixtures"
import { ConfigProvider, Effect, Exit, Layer } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import * as NodeFileSystem from "../src/node/NodeFileSystem.js"
import * as NodeHttpClient from "../src/node/NodeHttpClient.js"
import * as NodePath from "../src/node/NodePath.js"
import { Auth, Session, type SessionOptions, type SessionStatus } from "../src/session/index.js"

// Keys in the whylogs format; each has its own key id so the tests can tell which one won.
const KEY_OPTION = "OPTIONKEY0.option-secret-0123456789:org-option"
const KEY_ENV = "ENVKEY0000.env-secret-0123456789:org-env"
const KEY_FILE = "FILEKEY000.file-secret-0123456789"
const KEY_PROMPT = "PROMPTKEY0.prompt-secret-0123456789:org-prompt"

let platform: FakePlatform
let dir: string
beforeAll(async () => {
  platform = await FakePlatform.start()
})
afterAll(() => platform.close())
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-resolution-"))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** A terminal that answers from a script and records what it was asked. */
const scriptedTerminal = (answers: ReadonlyArray<string>, isTTY: boolean) => {
  const queue = [...answers]
  const shown: string[] = []
  let reads = 0
  const terminal: Terminal.Terminal = {
    columns: Effect.succeed(80),
    rows: Effect.succeed(24),
    isTTY: Effect.succeed(isTTY),
    readInput: Effect.dieMessage("not used"),
    readLine: Effect.sync(() => {
      reads += 1
      return queue.shift() ?? ""
    }),
    display: (text) => Effect.sync(() => void shown.push(text)),
  }
  return { layer: Layer.succeed(Terminal.Terminal, terminal), shown, reads: () => reads }
}

interface Setup {
  readonly options?: SessionOptions
  readonly env?: Record<string, string>
  readonly terminal?: ReturnType<typeof scriptedTerminal>
}

/** Opens a session with the given options, environment (as a ConfigProvider) and terminal; gives its status. */
const resolve = (setup: Setup): Promise<Exit.Exit<SessionStatus, unknown>> => {
  const terminal = setup.terminal ?? scriptedTerminal([], false)
  const platformLayer = Layer.mergeAll(
    NodeFileSystem.layer,
    NodePath.layer,
    NodeHttpClient.layer,
    terminal.layer,
  )
  const env = { WHYLOGS_CONFIG_PATH: dir, ...setup.env }
  return Effect.runPromiseExit(
    Effect.flatMap(Session, (session) => session.status).pipe(
      Effect.provide(Session.layerWith(setup.options ?? {}).pipe(Layer.provide(platformLayer))),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
    ),
  )
}

const statusOf = async (setup: Setup): Promise<SessionStatus> => {
  const exit = await resolve(setup)
  if (Exit.isFailure(exit)) throw new Error(`expected a session, got ${String(exit.cause)}`)
  return exit.value
}

const failureOf = async (
  setup: Setup,
): Promise<{ _tag: string; message: string } & Record<string, unknown>> => {
  const exit = await resolve(setup)
  if (Exit.isSuccess(exit) || exit.cause._tag !== "Fail") throw new Error("expected a typed failure")
  return exit.cause.error as never
}

const keyIdOf = (status: SessionStatus) =>
  status.credentials.type === "api-key" ? status.credentials.keyId : undefined

const writeConfig = (text: string, path = join(dir, "config.ini")) => writeFile(path, text)

describe("resolution order: each branch wins exactly when every higher one is absent", () => {
  it("walks down forceLocal → apiKey → env key → token cache → file key → stored id → prompt → anonymous → local → error", async () => {
    await writeConfig(`[whylabs]\napi_key = ${KEY_FILE}\norg_id = org-file\nsession_id = session-stored\n`)
    await Effect.runPromise(
      Auth.login({
        clientId: platform.oauthClient.clientId,
        clientSecret: platform.oauthClient.clientSecret,
        apiUrl: platform.url,
        baseDir: dir,
      }).pipe(
        Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeHttpClient.layer)),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["WHYLOGS_CONFIG_PATH", dir]]))),
      ),
    )
    const all = { apiKey: KEY_OPTION, allowAnonymous: true, allowLocal: true }
    const env = { WHYLABS_API_KEY: KEY_ENV, WHYLABS_SESSION_ID: "session-env" }
    const prompt = () => scriptedTerminal([KEY_PROMPT], true)

    let status = await statusOf({ options: { ...all, forceLocal: true }, env, terminal: prompt() })
    expect([status.kind, status.source]).toEqual(["local", "forceLocal"])

    status = await statusOf({ options: all, env, terminal: prompt() })
    expect([status.kind, status.source, keyIdOf(status), status.orgId]).toEqual([
      "whylabs",
      "the apiKey option",
      "OPTIONKEY0",
      "org-option",
    ])

    const { apiKey: _, ...noOption } = all
    status = await statusOf({ options: noOption, env, terminal: prompt() })
    expect([status.source, keyIdOf(status), status.orgId]).toEqual([
      "WHYLABS_API_KEY",
      "ENVKEY0000",
      "org-env",
    ])

    const { WHYLABS_API_KEY: __, ...noEnvKey } = env
    status = await statusOf({ options: noOption, env: noEnvKey, terminal: prompt() })
    expect([status.kind, status.source, status.credentials.type, status.apiEndpoint]).toEqual([
      "whylabs",
      "token cache",
      "token",
      platform.url,
    ])

    await rm(join(dir, "sketchlog-token.json"))
    status = await statusOf({ options: noOption, env: noEnvKey, terminal: prompt() })
    expect([status.source, keyIdOf(status), status.orgId]).toEqual([
      `${join(dir, "config.ini")}:2`,
      "FILEKEY000",
      "org-file",
    ])

    await writeConfig("[whylabs]\nsession_id = session-stored\n")
    status = await statusOf({ options: noOption, env: noEnvKey, terminal: prompt() })
    expect([status.kind, status.source, status.credentials]).toEqual([
      "anonymous",
      "WHYLABS_SESSION_ID",
      { type: "anonymous", sessionId: "session-env" },
    ])
    status = await statusOf({ options: noOption, terminal: prompt() })
    expect([status.kind, status.credentials]).toEqual([
      "anonymous",
      { type: "anonymous", sessionId: "session-stored" },
    ])

    await writeConfig("")
    const asked = prompt()
    status = await statusOf({ options: noOption, terminal: asked })
    expect([status.source, keyIdOf(status), status.orgId]).toEqual(["the prompt", "PROMPTKEY0", "org-prompt"])
    expect(asked.reads()).toBe(1)
    expect(asked.shown.join("")).not.toContain("prompt-secret")
    // whylogs keeps a prompted key in its config file, mode 0600; the next start finds it there.
    expect(await readFile(join(dir, "config.ini"), "utf8")).toContain(`api_key = ${KEY_PROMPT}`)
    expect((await stat(join(dir, "config.ini"))).mode & 0o777).toBe(0o600)
    await writeConfig("")

    status = await statusOf({ options: noOption, terminal: scriptedTerminal([""], true) })
    expect([status.kind, status.source, status.credentials]).toEqual([
      "anonymous",
      "allowAnonymous",
      { type: "anonymous", sessionId: undefined },
    ])

    status = await statusOf({ options: { allowAnonymous: false }, terminal: scriptedTerminal([""], true) })
    expect([status.kind, status.source]).toEqual(["local", "allowLocal"])

    const error = await failureOf({ options: { allowLocal: false }, terminal: scriptedTerminal([""], true) })
    expect(error._tag).toBe("SessionInitError")
    expect(error.tried).toEqual([
      "forceLocal: not set",
      "apiKey option: not given",
      "WHYLABS_API_KEY: not set",
      `token cache ${join(dir, "sketchlog-token.json")}: none`,
      `${join(dir, "config.ini")}: no api_key`,
      "stored anonymous session id: none",
      "prompt: skipped",
      "anonymous: allowAnonymous is false",
      "local: allowLocal is false",
    ])
  })

  it("defaults to local, never anonymous: nothing configured means nothing is sent", async () => {
    const status = await statusOf({})
    expect([status.kind, status.source, status.apiEndpoint]).toEqual(["local", "allowLocal", undefined])
  })

  it("uses a stored anonymous session id only when anonymous sessions are allowed", async () => {
    await writeConfig("[whylabs]\nsession_id = session-stored\n")
    expect((await statusOf({})).kind).toBe("local")
    const error = await failureOf({ options: { allowLocal: false } })
    expect(error.tried).toContain("stored anonymous session id: allowAnonymous is false")
  })

  it("prompts only on a TTY and only when interactive is not false", async () => {
    const notTTY = scriptedTerminal([KEY_PROMPT], false)
    expect((await statusOf({ terminal: notTTY })).kind).toBe("local")
    expect(notTTY.reads()).toBe(0)
    const declined = scriptedTerminal([KEY_PROMPT], true)
    expect((await statusOf({ options: { interactive: false }, terminal: declined })).kind).toBe("local")
    expect(declined.reads()).toBe(0)
  })

  it("re-asks after an invalid key, and asks for the org when the key carries none", async () => {
    const terminal = scriptedTerminal(
      ["not-a-valid-key-at-all", "PROMPTKEY1.secret-without-org", "org-asked"],
      true,
    )
    const status = await statusOf({ terminal })
    expect([keyIdOf(status), status.orgId]).toEqual(["PROMPTKEY1", "org-asked"])
    expect(terminal.shown.join("")).toContain("index 10")
    expect(await readFile(join(dir, "config.ini"), "utf8")).toContain("org_id = org-asked")
  })

  it("honours kind: whylabs refuses to fall back, anonymous skips credentials, local forces local", async () => {
    const error = await failureOf({ options: { kind: "whylabs" } })
    expect(error._tag).toBe("SessionInitError")
    expect(error.tried).toContain("local: kind is whylabs")
    const anonymous = await statusOf({ options: { kind: "anonymous" }, env: { WHYLABS_API_KEY: KEY_ENV } })
    expect([anonymous.kind, anonymous.source]).toEqual(["anonymous", "kind option"])
    const local = await statusOf({ options: { kind: "local", apiKey: KEY_OPTION } })
    expect([local.kind, local.source]).toEqual(["local", "kind option"])
  })

  it("fails on an invalid explicit key instead of falling through to weaker sources", async () => {
    const error = await failureOf({ options: { apiKey: "short" }, env: { WHYLABS_API_KEY: KEY_ENV } })
    expect(error).toMatchObject({ _tag: "ApiKeyError", source: "the apiKey option" })
    const fromEnv = await failureOf({ env: { WHYLABS_API_KEY: "ABCDEFGHIJKsecretwithoutdot" } })
    expect(fromEnv).toMatchObject({ _tag: "ApiKeyError", source: "WHYLABS_API_KEY" })
    expect(fromEnv.message).not.toContain("secretwithoutdot")
  })
})

describe("precedence of settings: options > environment > config file", () => {
  it("takes the org from the key's suffix first, then the option, the environment, the file", async () => {
    await writeConfig("[whylabs]\norg_id = org-file\n")
    const noOrgKey = "NOORGKEY00.secret-0123456789"
    expect(
      (await statusOf({ options: { apiKey: `${noOrgKey}:org-suffix`, orgId: "org-option" } })).orgId,
    ).toBe("org-suffix")
    const env = { WHYLABS_DEFAULT_ORG_ID: "org-env" }
    expect((await statusOf({ options: { apiKey: noOrgKey, orgId: "org-option" }, env })).orgId).toBe(
      "org-option",
    )
    expect((await statusOf({ options: { apiKey: noOrgKey }, env })).orgId).toBe("org-env")
    expect((await statusOf({ options: { apiKey: noOrgKey } })).orgId).toBe("org-file")
    await writeConfig("")
    const error = await failureOf({ options: { apiKey: noOrgKey } })
    expect(error._tag).toBe("ConfigError")
    expect(error.message).toContain("carries no org id")
  })

  it("takes the endpoint and default dataset from the option, then the environment, then the file", async () => {
    await writeConfig(
      "[whylabs]\nwhylabs_api_endpoint = https://file.example\ndefault_dataset_id = ds-file\n",
    )
    const env = { WHYLABS_API_ENDPOINT: "https://env.example", WHYLABS_DEFAULT_DATASET_ID: "ds-env" }
    const options = { apiKey: KEY_OPTION }
    let status = await statusOf({
      options: { ...options, apiEndpoint: "https://option.example", defaultDatasetId: "ds-option" },
      env,
    })
    expect([status.apiEndpoint, status.defaultDatasetId]).toEqual(["https://option.example", "ds-option"])
    status = await statusOf({ options, env })
    expect([status.apiEndpoint, status.defaultDatasetId]).toEqual(["https://env.example", "ds-env"])
    status = await statusOf({ options })
    expect([status.apiEndpoint, status.defaultDatasetId]).toEqual(["https://file.example", "ds-file"])
    await writeConfig("")
    expect((await statusOf({ options })).apiEndpoint).toBe("https://api.whylabsapp.com")
  })

  it("finds config.ini in WHYLOGS_CONFIG_PATH, and configPath overrides it", async () => {
    await writeConfig(`[whylabs]\napi_key = ${KEY_FILE}\norg_id = org-a\n`)
    expect((await statusOf({})).orgId).toBe("org-a")
    const other = join(dir, "elsewhere", "custom.ini")
    await mkdir(join(dir, "elsewhere"))
    await writeConfig(`[whylabs]\napi_key = ${KEY_FILE}\norg_id = org-b\n`, other)
    const status = await statusOf({ options: { configPath: other } })
    expect([status.orgId, status.configFile]).toEqual(["org-b", other])
  })

  it("refuses a plain-http endpoint off loopback, naming where it was configured, unless allowInsecure", async () => {
    await writeConfig("[whylabs]\n\nwhylabs_api_endpoint = http://api.example.com\n")
    const error = await failureOf({ options: { apiKey: KEY_OPTION } })
    expect(error).toMatchObject({ _tag: "ConfigError", source: join(dir, "config.ini"), line: 3 })
    expect(error.message).toContain("plain http://")
    const insecure = await statusOf({ options: { apiKey: KEY_OPTION, allowInsecure: true } })
    expect(insecure.apiEndpoint).toBe("http://api.example.com")
    const loopback = await statusOf({ options: { apiKey: KEY_OPTION, apiEndpoint: "http://127.0.0.1:9" } })
    expect(loopback.apiEndpoint).toBe("http://127.0.0.1:9")
  })

  it("skips a cached token issued by another endpoint than the configured one", async () => {
    await Effect.runPromise(
      Auth.loginWithToken(platform.issueToken(), {
        apiUrl: platform.url,
        baseDir: dir,
        orgId: "org-fake",
      }).pipe(
        Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeHttpClient.layer)),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["WHYLOGS_CONFIG_PATH", dir]]))),
      ),
    )
    expect((await statusOf({})).source).toBe("token cache")
    const status = await statusOf({ env: { WHYLABS_API_ENDPOINT: "https://other.example" } })
    expect(status.kind).toBe("local")
  })
})

describe("malformed configuration", () => {
  const cases: ReadonlyArray<[string, string, number, string]> = [
    ["a line that is not INI", "[whylabs]\napi_key = x\nthis is not ini\n", 3, "expected `key = value`"],
    ["a key before any section", "api_key = x\n[whylabs]\n", 1, "before any [section]"],
    ["a key given twice", "[whylabs]\norg_id = a\norg_id = b\n", 3, "appears twice"],
    ["an unterminated section header", "# comment\n[whylabs\n", 2, "unterminated"],
  ]
  for (const [what, text, line, reason] of cases) {
    it(`reports ${what} as a ConfigError naming the file and line ${line}`, async () => {
      await writeConfig(text)
      const error = await failureOf({ options: { apiKey: KEY_OPTION } })
      expect(error).toMatchObject({ _tag: "ConfigError", source: join(dir, "config.ini"), line })
      expect(error.message).toContain(`config.ini:${line}: `)
      expect(error.message).toContain(reason)
    })
  }

  it("reports an unreadable config file as a ConfigError naming it", async () => {
    await mkdir(join(dir, "config.ini"))
    const error = await failureOf({})
    expect(error).toMatchObject({ _tag: "ConfigError", source: join(dir, "config.ini"), line: undefined })
    expect(error.message).toContain("cannot be read")
  })

  it("reads what Python's configparser writes: comments, other sections, ':' separators, case-insensitive keys", async () => {
    await writeConfig(
      `; written by whylogs\n[DEFAULT]\nx = 1\n\n[whylabs]\n# the key\nAPI_KEY: ${KEY_FILE}\norg_id=org-cp\n\n[other]\ny = 2\n`,
    )
    const status = await statusOf({})
    expect([keyIdOf(status), status.orgId]).toEqual(["FILEKEY000", "org-cp"])
  })
})
