import { readFile, stat, writeFile } from "node:fs/promises"
import { connect } from "node:net"
import { join } from "node:path"
import { it as effectIt } from "@effect/vitest"
import { usePlatformSandbox } from "@sketchlog/test-fixtures/vitest"
import { ConfigProvider, Effect, Layer, Queue, TestClock } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import * as NodeFileSystem from "../src/node/NodeFileSystem.js"
import * as NodeHttpClient from "../src/node/NodeHttpClient.js"
import * as NodePath from "../src/node/NodePath.js"
import { AuthError } from "../src/platform/index.js"
import {
  Auth,
  init,
  login,
  loginWithToken,
  logout,
  Session,
  type SessionEvent,
  type SessionHandle,
  TOKEN_CACHE_FILE,
} from "../src/session/index.js"
import { runTsxChild, sessionModuleUrl } from "./tsxChild.js"

const fixture = usePlatformSandbox()
const open: SessionHandle[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
  vi.restoreAllMocks()
})

const cacheFile = () => join(fixture.sandbox.dir, TOKEN_CACHE_FILE)
const clientCredentials = () => ({
  clientId: fixture.platform.oauthClient.clientId,
  clientSecret: fixture.platform.oauthClient.clientSecret,
  apiUrl: fixture.platform.url,
})
const openSession = async () => {
  const session = await init({ reinit: true, interactive: false, retry: { baseDelay: "1 millis" } })
  open.push(session)
  return session
}
const upload = (session: SessionHandle, datasetId = "d") =>
  session.uploadProfile({ datasetId, datasetTimestamp: 0, bytes: new Uint8Array([1]) })
const bearerOf = (path: RegExp) =>
  fixture.platform.requests(path).map((r) => r.headers.authorization?.slice(7))
const grants = () => fixture.platform.tokenGrants().map((g) => g.grantType)

describe("sign-in flows, end to end against the fake platform", () => {
  it("client credentials: caches the token (0600) and the next session uploads with it", async () => {
    const result = await login(clientCredentials())
    expect(result).toMatchObject({
      method: "client_credentials",
      apiUrl: fixture.platform.url,
      orgId: "org-fake",
      tokenCacheFile: cacheFile(),
    })
    expect(result.expiresAt?.getTime()).toBeGreaterThan(Date.now())
    expect((await stat(cacheFile())).mode & 0o777).toBe(0o600)
    const session = await openSession()
    expect(session.status()).toMatchObject({ kind: "whylabs", source: "token cache", orgId: "org-fake" })
    await upload(session)
    expect(fixture.platform.profiles()).toMatchObject([{ auth: "bearer", orgId: "org-fake" }])
    expect(bearerOf(/log\/async/)).toEqual([fixture.platform.tokenGrants()[0]?.accessToken])
  })

  it("browser: follows the authorization URL with a real request to a 127.0.0.1 callback, PKCE S256", async () => {
    let shown = ""
    const result = await login({
      apiUrl: fixture.platform.url,
      showBrowser: async (url) => {
        shown = url
        const page = await fetch(url) // the "browser": follows the redirect to the loopback callback
        expect(page.status).toBe(200)
        expect(await page.text()).toContain("Signed in")
      },
    })
    expect(result.method).toBe("authorization_code")
    const query = new URL(shown).searchParams
    expect(query.get("code_challenge_method")).toBe("S256")
    expect(query.get("client_id")).toBe("sketchlog-cli")
    const redirect = new URL(query.get("redirect_uri") ?? "")
    expect([redirect.protocol, redirect.hostname, redirect.pathname]).toEqual([
      "http:",
      "127.0.0.1",
      "/callback",
    ])
    // The callback server is gone once the sign-in is over.
    await expect(canConnect(Number(redirect.port))).resolves.toBe(false)
    expect(grants()).toEqual(["authorization_code"])
    await upload(await openSession())
    expect(fixture.platform.profiles()).toMatchObject([{ auth: "bearer" }])
  })

  it("browser: a denied sign-in, a failing showBrowser and a browser that never returns are AuthErrors", async () => {
    fixture.platform.faults.denyAuthorization()
    const denied = await login({ apiUrl: fixture.platform.url, showBrowser: (url) => void fetch(url) }).catch(
      (e: unknown) => e,
    )
    expect(denied).toBeInstanceOf(AuthError)
    expect(String(denied)).toContain("access_denied")
    const broken = await login({
      apiUrl: fixture.platform.url,
      showBrowser: () => {
        throw new Error("no display")
      },
    }).catch((e: unknown) => e)
    expect(broken).toMatchObject({ _tag: "AuthError", reason: "showBrowser failed: no display" })
    const never = await login({
      apiUrl: fixture.platform.url,
      showBrowser: () => {},
      callbackTimeout: "100 millis",
    }).catch((e: unknown) => e)
    expect(never).toMatchObject({ _tag: "AuthError", reason: "no sign-in arrived from the browser in time" })
    await expect(readFile(cacheFile())).rejects.toThrow()
  })

  it("headless: the user opens the URL elsewhere and pastes the code the platform shows", async () => {
    const result = await login({
      apiUrl: fixture.platform.url,
      getAuthCode: async (url) => `  ${await (await fetch(url)).text()}\n`,
    })
    expect(result.method).toBe("authorization_code")
    expect(fixture.platform.requests("/oauth/authorize")[0]?.query.redirect_uri).toBe(
      "urn:ietf:wg:oauth:2.0:oob",
    )
    await upload(await openSession())
    const wrong = await login({ apiUrl: fixture.platform.url, getAuthCode: () => "not-the-code" }).catch(
      (e: unknown) => e,
    )
    expect(wrong).toMatchObject({ _tag: "AuthError", status: 400 })
  })

  it("loginWithToken: warns that it is deprecated, and the stored token works until it expires", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {})
    await loginWithToken(fixture.platform.issueToken(), { apiUrl: fixture.platform.url, orgId: "org-fake" })
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      "sketchlog: loginWithToken() is deprecated: the token cannot be renewed when it expires; use login() instead",
    ])
    const session = await openSession()
    await upload(session)
    fixture.platform.faults.expireTokens()
    await expect(upload(session)).rejects.toMatchObject({ _tag: "AuthError" })
    await expect(upload(session)).rejects.toThrow("cannot be renewed")
  })

  it("logout: revokes the tokens on the platform and deletes the cache", async () => {
    await login({ apiUrl: fixture.platform.url, getAuthCode: async (url) => (await fetch(url)).text() })
    const cached = JSON.parse(await readFile(cacheFile(), "utf8")) as {
      accessToken: string
      refreshToken: string
    }
    expect(await logout()).toEqual({ revoked: true, removed: true })
    expect(fixture.platform.oauth.revoked()).toEqual([cached.refreshToken, cached.accessToken])
    await expect(readFile(cacheFile())).rejects.toThrow()
    expect(await logout()).toEqual({ revoked: false, removed: false })
    expect((await openSession()).kind).toBe("local")
  })
})

describe("token renewal without restarting", () => {
  it("renews after a 401 (client credentials), announces it, and caches the new token", async () => {
    await login(clientCredentials())
    const session = await openSession()
    const events: SessionEvent[] = []
    const stop = Effect.runSync(session.service.follow((e) => Effect.sync(() => void events.push(e))))
    await upload(session)
    fixture.platform.faults.expireTokens()
    await upload(session)
    await Effect.runPromise(stop)
    expect(grants()).toEqual(["client_credentials", "client_credentials"])
    const [first, second] = fixture.platform.tokenGrants().map((g) => g.accessToken)
    expect(bearerOf(/log\/async/)).toEqual([first, first, second])
    expect(events.filter((e) => e._tag === "TokenRefreshed")).toMatchObject([{ reason: "unauthorized" }])
    expect((JSON.parse(await readFile(cacheFile(), "utf8")) as { accessToken: string }).accessToken).toBe(
      second,
    )
  })

  it("renews with the refresh token after a 401 (browser sign-in), once for many concurrent calls", async () => {
    await login({ apiUrl: fixture.platform.url, getAuthCode: async (url) => (await fetch(url)).text() })
    const session = await openSession()
    fixture.platform.faults.expireTokens()
    await Promise.all(Array.from({ length: 10 }, (_, i) => upload(session, `d${i}`)))
    expect(grants()).toEqual(["authorization_code", "refresh_token"])
    expect(fixture.platform.profiles()).toHaveLength(10)
  })

  effectIt.effect("renews before expiry, by the session's clock (TestClock), before sending the call", () =>
    Effect.gen(function* () {
      const node = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeHttpClient.layer)
      yield* Auth.login(clientCredentials()).pipe(Effect.provide(node))
      const send = (session: typeof Session.Service) =>
        session.uploadProfile({ datasetId: "d", datasetTimestamp: 0, bytes: new Uint8Array([1]) })
      const program = Effect.gen(function* () {
        const session = yield* Session
        const events = yield* session.subscribe
        yield* send(session)
        // The token lives 3600 s: 3539 s later it is outside the 60 s margin, 3541 s later inside.
        yield* TestClock.adjust("3539 seconds")
        yield* send(session)
        expect(grants()).toEqual(["client_credentials"])
        yield* TestClock.adjust("2 seconds")
        yield* send(session)
        expect(grants()).toEqual(["client_credentials", "client_credentials"])
        const refreshed = [...(yield* Queue.takeAll(events))].filter((e) => e._tag === "TokenRefreshed")
        expect(refreshed).toMatchObject([{ reason: "expiry", expiresAt: 3_541_000 + 3_600_000 }])
      })
      yield* Effect.scoped(program).pipe(Effect.provide(Session.layer({ interactive: false })))
      // No call was refused: the renewal happened before the token expired.
      expect(fixture.platform.requests(/log\/async/)).toHaveLength(3)
      expect(fixture.platform.requests().filter((r) => r.path.startsWith("/v0/")).length).toBe(3)
    }).pipe(
      Effect.withConfigProvider(
        ConfigProvider.fromMap(new Map([["WHYLOGS_CONFIG_PATH", fixture.sandbox.dir]])),
      ),
    ),
  )

  it("discards a corrupt token cache with a one-line warning instead of failing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {})
    await writeFile(cacheFile(), '{"version": 1, "accessToken": tru')
    const session = await openSession()
    expect(session.kind).toBe("local")
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      `sketchlog: discarding the token cache at ${cacheFile()}: its content is corrupt or from another version; sign in again`,
    ])
    await expect(readFile(cacheFile())).rejects.toThrow()
  })
})

describe("token reuse across processes", () => {
  /** Runs a second Node process (TypeScript through tsx) that opens a session and uploads once. */
  const uploadInAnotherProcess = async (datasetId: string) => {
    const script = join(fixture.sandbox.dir, "child.mjs")
    await writeFile(
      script,
      `const { init } = await import(${JSON.stringify(sessionModuleUrl)})
const session = await init({ interactive: false })
const receipt = await session.uploadProfile({ datasetId: ${JSON.stringify(datasetId)}, datasetTimestamp: 1, bytes: new Uint8Array([1, 2]) })
console.log(JSON.stringify({ source: session.status().source, id: receipt.id }))
await session.close()
`,
    )
    return runTsxChild<{ source: string; id: string }>(script)
  }

  it("a second process reuses the cached token, and a renewal by one is adopted by the other", async () => {
    await login(clientCredentials())
    const child = await uploadInAnotherProcess("from-child")
    expect(child.source).toBe("token cache")
    expect(fixture.platform.profiles({ datasetId: "from-child" })).toMatchObject([
      { id: child.id, auth: "bearer" },
    ])
    expect(grants()).toEqual(["client_credentials"]) // the child did not sign in again

    // This process holds the first token; the child renews after a 401 and caches the new one.
    const session = await openSession()
    await upload(session, "parent-1")
    fixture.platform.faults.expireTokens()
    await uploadInAnotherProcess("from-child-2")
    expect(grants()).toEqual(["client_credentials", "client_credentials"])
    // Our 401 makes us re-read the cache: we adopt the child's token instead of renewing again.
    await upload(session, "parent-2")
    expect(grants()).toEqual(["client_credentials", "client_credentials"])
    const second = fixture.platform.tokenGrants()[1]?.accessToken
    expect(bearerOf(/log\/async\/parent-2/)).toEqual([fixture.platform.tokenGrants()[0]?.accessToken, second])
  }, 30_000)
})

/** Whether something listens on 127.0.0.1:port. */
const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })
