import { once } from "node:events"
import { existsSync } from "node:fs"
import { readFile, writeFile } from "node:fs/promises"
import { type AddressInfo, createServer } from "node:net"
import { join } from "node:path"
import { PassThrough } from "node:stream"
import { TOKEN_CACHE_FILE } from "@sketchlog/core/session"
import { usePlatformSandbox } from "@sketchlog/test-fixtures/vitest"
import { describe, expect, it } from "vitest"
import { type CliResult, runCli } from "./cliHarness.js"

const fixture = usePlatformSandbox()

const secretOf = (key: string) => key.split(":")[0]!.slice(11)
const keyIdOf = (key: string) => key.slice(0, 10)
/** No output of a command may hold a secret. */
const expectNoSecret = (result: CliResult, ...secrets: string[]) => {
  for (const secret of secrets) {
    expect(result.stdout).not.toContain(secret)
    expect(result.stderr).not.toContain(secret)
  }
}
const configText = () => readFile(fixture.sandbox.configFile, "utf8").catch(() => "")
/** `sketchlog login --api-key` with the fake platform's key and endpoint. */
const signIn = () =>
  runCli(["login", "--api-key", fixture.platform.apiKey, "--endpoint", fixture.platform.url])

describe("sketchlog login --api-key", () => {
  it("checks the key with the platform, stores it in whylogs' config.ini, and never prints the secret", async () => {
    const result = await signIn()
    expect(result.code).toBe(0)
    expect(result.stdout.trim()).toBe(
      `Signed in to ${fixture.platform.url} with API key ${keyIdOf(fixture.platform.apiKey)} (org-fake). Saved in ${fixture.sandbox.configFile}.`,
    )
    expectNoSecret(result, secretOf(fixture.platform.apiKey))
    const config = await configText()
    expect(config).toContain("[whylabs]")
    expect(config).toContain(`api_key = ${fixture.platform.apiKey}`)
    expect(config).toContain("org_id = org-fake")
    expect(config).toContain(`whylabs_api_endpoint = ${fixture.platform.url}`)
    const checks = fixture.platform.requests(/\/api-key\//)
    expect(checks).toHaveLength(1)
    expect(checks[0]).toMatchObject({
      method: "GET",
      path: `/v0/organizations/org-fake/api-key/${keyIdOf(fixture.platform.apiKey)}`,
    })
    expect(checks[0]!.headers["x-api-key"]).toBe(fixture.platform.apiKey)
  })

  it("reads the key from stdin with '-', and takes the org from --org-id for a key without a suffix", async () => {
    const bare = fixture.platform.apiKey.split(":")[0]!
    const noOrg = await runCli(["login", "--api-key", bare, "--endpoint", fixture.platform.url])
    expect(noOrg.code).toBe(2)
    expect(noOrg.stderr.trim()).toBe(
      "sketchlog login: the key has no :org-… suffix; pass --org-id org-… (or set WHYLABS_DEFAULT_ORG_ID)",
    )
    const stdin = new PassThrough()
    stdin.end(`${bare}\n`)
    const result = await runCli(
      ["login", "--api-key", "-", "--org-id", "org-fake", "--endpoint", fixture.platform.url],
      {
        stdin,
      },
    )
    expect(result.code).toBe(0)
    expect(await configText()).toContain(`api_key = ${bare}`)
    expect(await configText()).toContain("org_id = org-fake")
  })

  it("stores nothing and exits 4 when the platform refuses the key or the key is malformed", async () => {
    const unknown = "ABCDEFGHIJ.notarealsecretatall:org-fake"
    const refused = await runCli(["login", "--api-key", unknown, "--endpoint", fixture.platform.url])
    expect(refused.code).toBe(4)
    expect(refused.stderr.trim()).toBe(
      "sketchlog login: the platform rejected the API key ABCDEFGHIJ (HTTP 401)",
    )
    expectNoSecret(refused, "notarealsecretatall")
    const otherOrg = await runCli([
      "login",
      "--api-key",
      fixture.platform.apiKey.split(":")[0]!,
      "--org-id",
      "org-other",
      "--endpoint",
      fixture.platform.url,
    ])
    expect(otherOrg.code).toBe(4)
    expect(otherOrg.stderr).toContain("has no access to org-other (HTTP 403)")
    const malformed = await runCli([
      "login",
      "--api-key",
      "short.secretvalue",
      "--endpoint",
      fixture.platform.url,
    ])
    expect(malformed.code).toBe(4)
    expect(malformed.stderr.trim()).toBe(
      "sketchlog login: the API key from --api-key is invalid: expected <10-character key id>.<secret> (a '.' at index 10)",
    )
    expectNoSecret(malformed, "secretvalue")
    expect(existsSync(fixture.sandbox.configFile)).toBe(false)
  })

  it("exits 5 when the platform cannot be reached, and 2 for an endpoint it will not send a key to", async () => {
    // A loopback port that was just closed: the connection is refused at once.
    const server = createServer().listen(0, "127.0.0.1")
    await once(server, "listening")
    const { port } = server.address() as AddressInfo
    await new Promise((resolve) => server.close(resolve))
    const down = await runCli([
      "login",
      "--api-key",
      fixture.platform.apiKey,
      "--endpoint",
      `http://127.0.0.1:${port}`,
    ])
    expect(down.code).toBe(5)
    expect(down.stderr).toMatch(/^sketchlog login: cannot reach http:\/\/127\.0\.0\.1:\d+\/: .*ECONNREFUSED/)
    const insecure = await runCli([
      "login",
      "--api-key",
      fixture.platform.apiKey,
      "--endpoint",
      "http://example.com",
    ])
    expect(insecure.code).toBe(2)
    expect(insecure.stderr).toContain("--endpoint http://example.com uses plain http://")
  })
})

describe("sketchlog whoami and logout", () => {
  it("whoami shows kind, source, org, endpoint and key id, never the secret; --json too", async () => {
    fixture.sandbox.setEnv({
      WHYLABS_API_KEY: fixture.platform.apiKey,
      WHYLABS_API_ENDPOINT: fixture.platform.url,
    })
    const text = await runCli(["whoami"])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^kind +whylabs$/m)
    expect(text.stdout).toMatch(/^from +WHYLABS_API_KEY$/m)
    expect(text.stdout).toMatch(/^org +org-fake$/m)
    expect(text.stdout).toMatch(new RegExp(`^credentials +API key ${keyIdOf(fixture.platform.apiKey)}$`, "m"))
    expectNoSecret(text, secretOf(fixture.platform.apiKey))
    const json = await runCli(["whoami", "--json"])
    expect(json.code).toBe(0)
    expectNoSecret(json, secretOf(fixture.platform.apiKey))
    expect(JSON.parse(json.stdout)).toMatchObject({
      signedIn: true,
      kind: "whylabs",
      source: "WHYLABS_API_KEY",
      orgId: "org-fake",
      credentials: { type: "api-key", keyId: keyIdOf(fixture.platform.apiKey) },
    })
  })

  it("whoami exits 4 when not signed in; login then logout takes the stored key back out", async () => {
    const before = await runCli(["whoami"])
    expect(before.code).toBe(4)
    expect(before.stdout).toBe("")
    expect(before.stderr).toContain("not signed in")
    expect((await signIn()).code).toBe(0)
    const signedIn = await runCli(["whoami"])
    expect(signedIn.code).toBe(0)
    expect(signedIn.stdout).toMatch(/^from +.*config\.ini:\d+$/m)
    await writeFile(fixture.sandbox.configFile, `${await configText()}\n[other]\nkept = yes\n`)
    const out = await runCli(["logout"])
    expect(out.code).toBe(0)
    expect(out.stdout.trim()).toBe(
      `Removed the API key ${keyIdOf(fixture.platform.apiKey)} from ${fixture.sandbox.configFile}.`,
    )
    const config = await configText()
    expect(config).not.toContain("api_key")
    expect(config).toContain("kept = yes")
    expect((await runCli(["whoami"])).code).toBe(4)
    const again = await runCli(["logout"])
    expect(again.stdout.trim()).toBe("Not signed in: no sign-in token or stored API key.")
  })
})

/**
 * `login --headless` with a user who opens the printed URL elsewhere, reads the code the platform
 * shows, and pastes it.
 */
const headlessLogin = () => {
  const stdin = new PassThrough()
  let answered = false
  return runCli(["login", "--headless", "--endpoint", fixture.platform.url], {
    stdin,
    onStderr: (text) => {
      const url = /^ {2}(http\S+)$/m.exec(text)?.[1]
      if (url === undefined || answered) return
      answered = true
      void fetch(url)
        .then((r) => r.text())
        .then((code) => stdin.write(`${code}\n`))
    },
  })
}

describe("sketchlog login with a browser or headless", () => {
  it("--headless prints the URL, reads the pasted code, and caches a token that whoami then uses", async () => {
    const result = await headlessLogin()
    expect(result.code).toBe(0)
    expect(result.stderr).toContain("paste the code")
    expect(result.stdout).toMatch(
      /^Signed in to http:\/\/127\.0\.0\.1:\d+ \(org-fake\)\. Token cached in .+sketchlog-token\.json/,
    )
    expect(existsSync(join(fixture.sandbox.dir, TOKEN_CACHE_FILE))).toBe(true)
    fixture.sandbox.setEnv({ WHYLABS_API_ENDPOINT: fixture.platform.url })
    const whoami = await runCli(["whoami"])
    expect(whoami.stdout).toMatch(/^credentials +sign-in token \(authorization_code\), expires /m)
  })

  it("opens the browser flow, follows the callback on 127.0.0.1, and logout revokes the token", async () => {
    const result = await runCli(["login", "--endpoint", fixture.platform.url], {
      openBrowser: async (url) => {
        // What the browser does: the platform redirects to our loopback callback with the code.
        const authorize = await fetch(url, { redirect: "manual" })
        await fetch(authorize.headers.get("location")!)
      },
    })
    expect(result.code).toBe(0)
    expect(result.stderr).toContain("Opening your browser to sign in")
    expect(fixture.platform.tokenGrants().map((g) => g.grantType)).toEqual(["authorization_code"])
    const out = await runCli(["logout", "--endpoint", fixture.platform.url])
    expect(out.code).toBe(0)
    expect(out.stdout.trim()).toBe("Signed out: the sign-in token was revoked and removed.")
    expect(fixture.platform.oauth.revoked()).toHaveLength(2)
    expect(existsSync(join(fixture.sandbox.dir, TOKEN_CACHE_FILE))).toBe(false)
  })

  it("exits 4 with the platform's refusal when the sign-in is denied", async () => {
    fixture.platform.faults.denyAuthorization()
    const result = await runCli(["login", "--endpoint", fixture.platform.url], {
      openBrowser: async (url) => {
        const authorize = await fetch(url, { redirect: "manual" })
        await fetch(authorize.headers.get("location")!)
      },
    })
    expect(result.code).toBe(4)
    expect(result.stderr.trim().split("\n").at(-1)).toMatch(/^sketchlog login: .*denied/)
  })

  it("login --api-key replaces an earlier browser sign-in, which would otherwise take precedence", async () => {
    expect((await headlessLogin()).code).toBe(0)
    expect(existsSync(join(fixture.sandbox.dir, TOKEN_CACHE_FILE))).toBe(true)
    const result = await signIn()
    expect(result.code).toBe(0)
    expect(result.stderr).toContain("Removed the earlier sign-in token")
    expect(existsSync(join(fixture.sandbox.dir, TOKEN_CACHE_FILE))).toBe(false)
  })
})
