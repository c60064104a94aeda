import { writeFile } from "node:fs/promises"
import { usePlatformSandbox } from "@sketchlog/test-fixtures/vitest"
import { afterEach, describe, expect, it, vi } from "vitest"
import {
  ConfigError,
  defaultInit,
  getCurrentSession,
  init,
  SessionClosedError,
  type SessionHandle,
  SessionInitError,
} from "../src/session/index.js"

const fixture = usePlatformSandbox()
afterEach(async () => {
  await getCurrentSession()?.close()
  vi.restoreAllMocks()
})

const upload = (session: SessionHandle) =>
  session.uploadProfile({ datasetId: "model-1", datasetTimestamp: 0, bytes: new Uint8Array([1]) })

describe("init() and the current session", () => {
  it("reads WHYLABS_* from the process environment, over the config file", async () => {
    await writeFile(
      fixture.sandbox.configFile,
      "[whylabs]\norg_id = org-file\ndefault_dataset_id = ds-file\n",
    )
    fixture.sandbox.setEnv({
      WHYLABS_API_KEY: fixture.platform.apiKey,
      WHYLABS_API_ENDPOINT: fixture.platform.url,
      WHYLABS_DEFAULT_DATASET_ID: "ds-env",
    })
    const session = await init()
    expect([session.kind, session.orgId, session.defaultDatasetId]).toEqual(["whylabs", "org-fake", "ds-env"])
    expect(session.status().source).toBe("WHYLABS_API_KEY")
    await session.uploadProfile({ datasetTimestamp: 0, bytes: new Uint8Array([7]) })
    expect(fixture.platform.profiles({ datasetId: "ds-env" })).toHaveLength(1)
  })

  it("is idempotent: a second init() returns the open session and ignores its options", async () => {
    const first = await init({ forceLocal: true })
    const second = await init({ apiKey: fixture.platform.apiKey, apiEndpoint: fixture.platform.url })
    expect(second).toBe(first)
    expect(second.kind).toBe("local")
    expect(getCurrentSession()).toBe(first)
    const [a, b] = await Promise.all([init(), init()])
    expect(a).toBe(first)
    expect(b).toBe(first)
  })

  it("re-resolves with reinit: true, closing the previous session", async () => {
    const first = await init({ forceLocal: true })
    const second = await init({
      reinit: true,
      apiKey: fixture.platform.apiKey,
      apiEndpoint: fixture.platform.url,
    })
    expect(second).not.toBe(first)
    expect([first.closed, second.kind]).toEqual([true, "whylabs"])
    expect(getCurrentSession()).toBe(second)
    await expect(upload(first)).rejects.toBeInstanceOf(SessionClosedError)
    await expect(upload(second)).resolves.toMatchObject({ datasetId: "model-1" })
  })

  it("rejects with the typed error and leaves no current session when resolution fails", async () => {
    const failure = await init({ allowLocal: false, interactive: false }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(SessionInitError)
    expect((failure as SessionInitError).tried).toContain("local: allowLocal is false")
    expect(getCurrentSession()).toBeUndefined()
    await writeFile(fixture.sandbox.configFile, "garbage\n")
    const config = await init().catch((e: unknown) => e)
    expect(config).toBeInstanceOf(ConfigError)
    expect((config as ConfigError).message).toBe(
      `${fixture.sandbox.configFile}:1: expected \`key = value\`, a [section] or a comment`,
    )
    await writeFile(fixture.sandbox.configFile, "")
    expect((await init()).kind).toBe("local")
  })

  it("closes with close() (idempotent) or at the end of an await-using block, and forgets the session", async () => {
    const session = await init({ forceLocal: true })
    await Promise.all([session.close(), session.close()])
    expect(session.status().closed).toBe(true)
    expect(getCurrentSession()).toBeUndefined()
    let inside: SessionHandle | undefined
    {
      await using scoped = await init({ forceLocal: true })
      inside = scoped
      expect(getCurrentSession()).toBe(scoped)
    }
    expect(inside?.closed).toBe(true)
    expect(getCurrentSession()).toBeUndefined()
  })
})

describe("defaultInit()", () => {
  // Runs first: the warning is once per process, so afterwards its absence would prove nothing.
  it("uses the configuration when there is one, without warning", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {})
    fixture.sandbox.setEnv({
      WHYLABS_API_KEY: fixture.platform.apiKey,
      WHYLABS_API_ENDPOINT: fixture.platform.url,
    })
    expect((await defaultInit()).kind).toBe("whylabs")
    expect(warn).not.toHaveBeenCalled()
  })

  it("gives a local session and warns once per process, in one line naming how to configure", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {})
    const session = await defaultInit()
    expect(session.kind).toBe("local")
    expect(await defaultInit()).toBe(session)
    await session.close()
    await (await defaultInit()).close()
    expect(warn).toHaveBeenCalledTimes(1)
    const line = String(warn.mock.calls[0]?.[0])
    expect(line).not.toContain("\n")
    expect(line).toMatch(/^sketchlog: no session configured.*WHYLABS_API_KEY/)
  })
})
