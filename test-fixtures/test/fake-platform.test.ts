import { createHash, randomBytes } from "node:crypto"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { FakePlatform, OUT_OF_BAND_REDIRECT } from "../src/index.js"

let platform: FakePlatform
beforeEach(async () => {
  platform = await FakePlatform.start()
})
afterEach(() => platform.close())

const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${platform.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  })

const postForm = (path: string, form: Record<string, string>) =>
  fetch(`${platform.url}${path}`, { method: "POST", body: new URLSearchParams(form) })

const logAsync = (headers: Record<string, string>, org = platform.orgId) =>
  postJson(
    `/v0/organizations/${org}/log/async/model-1`,
    { datasetTimestamp: 1_700_000_000_000, segmentTags: [] },
    headers,
  )

describe("FakePlatform uploads", () => {
  it("listens on 127.0.0.1 with an ephemeral port and generates a whylogs-format key for its org", () => {
    expect(platform.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(platform.apiKey).toMatch(/^[A-Z0-9]{10}\.[A-Za-z0-9_-]+:org-fake$/)
  })

  it("stores a profile announced with log/async and PUT to its presigned URL, with its metadata", async () => {
    const announced = await postJson(
      `/v0/organizations/org-fake/log/async/model-1`,
      { datasetTimestamp: 1_700_000_000_000, segmentTags: [{ key: "whylogs.tag.route", value: "/a" }] },
      { "x-api-key": platform.apiKey },
    )
    expect(announced.status).toBe(200)
    const { id, uploadUrl } = (await announced.json()) as { id: string; uploadUrl: string }
    expect(uploadUrl.startsWith(`${platform.url}/upload/`)).toBe(true)
    const put = await fetch(uploadUrl, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: new Uint8Array([87, 72, 89, 49]),
    })
    expect(put.status).toBe(200)
    const [profile] = platform.profiles()
    expect(profile).toMatchObject({
      id,
      kind: "profile",
      orgId: "org-fake",
      datasetId: "model-1",
      datasetTimestamp: 1_700_000_000_000,
      segmentTags: [{ key: "whylogs.tag.route", value: "/a" }],
      auth: "api-key",
      contentType: "application/octet-stream",
    })
    expect([...(profile?.bytes ?? [])]).toEqual([87, 72, 89, 49])
    // A presigned URL works once, and only with its signature.
    expect((await fetch(uploadUrl, { method: "PUT", body: "x" })).status).toBe(404)
  })

  it("accepts a key with or without its org suffix, rejects unknown keys (401) and other orgs (403)", async () => {
    expect((await logAsync({ "x-api-key": platform.apiKey })).status).toBe(200)
    expect((await logAsync({ "x-api-key": platform.apiKey.split(":")[0] ?? "" })).status).toBe(200)
    expect((await logAsync({ "x-api-key": "ABCDEFGHIJ.wrong-secret:org-fake" })).status).toBe(401)
    expect((await logAsync({ "x-api-key": platform.apiKey }, "org-other")).status).toBe(403)
    expect((await logAsync({})).status).toBe(401)
  })

  it("stores reference profiles under their alias", async () => {
    const announced = await postJson(
      "/v0/organizations/org-fake/log/reference/model-1",
      { alias: "baseline", datasetTimestamp: 5 },
      { "x-api-key": platform.apiKey },
    )
    const { uploadUrl } = (await announced.json()) as { uploadUrl: string }
    await fetch(uploadUrl, { method: "PUT", body: new Uint8Array([1]) })
    expect(platform.profiles({ kind: "reference" })).toMatchObject([
      { alias: "baseline", datasetTimestamp: 5 },
    ])
  })

  it("creates anonymous sessions and takes their unsegmented uploads, refusing segmented ones", async () => {
    const created = await postJson("/v0/sessions", { userId: "user-1" })
    const { id } = (await created.json()) as { id: string }
    expect(platform.anonymousSessions()).toContain(id)
    const segmented = await postJson(`/v0/sessions/${id}/upload`, {
      datasetTimestamp: 1,
      segmentTags: [{ key: "k", value: "v" }],
      dataset: "d",
    })
    expect(segmented.status).toBe(400)
    const upload = await postJson(`/v0/sessions/${id}/upload`, {
      datasetTimestamp: 1,
      segmentTags: [],
      dataset: "d",
    })
    const { uploadUrl, observatoryUrl } = (await upload.json()) as {
      uploadUrl: string
      observatoryUrl: string
    }
    expect(observatoryUrl).toContain(id)
    await fetch(uploadUrl, { method: "PUT", body: new Uint8Array([9]) })
    expect(platform.profiles({ kind: "anonymous" })).toMatchObject([
      { sessionId: id, datasetId: "d", auth: "none" },
    ])
    expect((await postJson("/v0/sessions/session-unknown/upload", { datasetTimestamp: 1 })).status).toBe(404)
  })
})

describe("FakePlatform OAuth", () => {
  const pkce = () => {
    const verifier = randomBytes(32).toString("base64url")
    return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") }
  }

  it("grants client credentials to a confidential client and its token authenticates uploads", async () => {
    const granted = await postForm("/oauth/token", {
      grant_type: "client_credentials",
      client_id: platform.oauthClient.clientId,
      client_secret: platform.oauthClient.clientSecret,
    })
    const body = (await granted.json()) as { access_token: string; expires_in: number; org_id: string }
    expect(body).toMatchObject({ expires_in: 3600, org_id: "org-fake" })
    expect((await logAsync({ authorization: `Bearer ${body.access_token}` })).status).toBe(200)
    const wrong = await postForm("/oauth/token", {
      grant_type: "client_credentials",
      client_id: platform.oauthClient.clientId,
      client_secret: "nope",
    })
    expect(wrong.status).toBe(401)
  })

  it("redirects an authorization to the loopback redirect URI, and verifies PKCE when the code is exchanged", async () => {
    const { verifier, challenge } = pkce()
    const authorize = new URL(`${platform.url}/oauth/authorize`)
    const redirectUri = "http://127.0.0.1:9/callback"
    for (const [k, v] of Object.entries({
      response_type: "code",
      client_id: platform.publicClientId,
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: "s1",
    })) {
      authorize.searchParams.set(k, v)
    }
    const redirected = await fetch(authorize, { redirect: "manual" })
    expect(redirected.status).toBe(302)
    const location = new URL(redirected.headers.get("location") ?? "")
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri)
    expect(location.searchParams.get("state")).toBe("s1")
    const code = location.searchParams.get("code") ?? ""
    const exchange = (codeVerifier: string) =>
      postForm("/oauth/token", {
        grant_type: "authorization_code",
        client_id: platform.publicClientId,
        code,
        redirect_uri: redirectUri,
        code_verifier: codeVerifier,
      })
    expect((await exchange(pkce().verifier)).status).toBe(400) // wrong verifier, and the code is now spent
    expect((await exchange(verifier)).status).toBe(400)
  })

  it("shows the code for the out-of-band redirect, rotates refresh tokens and honours revocation", async () => {
    const { verifier, challenge } = pkce()
    const query = new URLSearchParams({
      response_type: "code",
      client_id: platform.publicClientId,
      redirect_uri: OUT_OF_BAND_REDIRECT,
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: "s",
    })
    const code = await (await fetch(`${platform.url}/oauth/authorize?${query}`)).text()
    const first = (await (
      await postForm("/oauth/token", {
        grant_type: "authorization_code",
        client_id: platform.publicClientId,
        code,
        redirect_uri: OUT_OF_BAND_REDIRECT,
        code_verifier: verifier,
      })
    ).json()) as { access_token: string; refresh_token: string }
    const refresh = (token: string) =>
      postForm("/oauth/token", {
        grant_type: "refresh_token",
        client_id: platform.publicClientId,
        refresh_token: token,
      })
    const second = (await (await refresh(first.refresh_token)).json()) as { access_token: string }
    expect(second.access_token).not.toBe(first.access_token)
    expect((await refresh(first.refresh_token)).status).toBe(400)
    await postForm("/oauth/revoke", { token: second.access_token })
    expect((await logAsync({ authorization: `Bearer ${second.access_token}` })).status).toBe(401)
    expect(platform.tokenGrants().map((g) => g.grantType)).toEqual(["authorization_code", "refresh_token"])
  })

  it("refuses plain PKCE and non-loopback redirect URIs", async () => {
    const base = { response_type: "code", client_id: platform.publicClientId, state: "s" }
    const plain = new URLSearchParams({
      ...base,
      redirect_uri: "http://127.0.0.1:9/cb",
      code_challenge: "x".repeat(43),
      code_challenge_method: "plain",
    })
    expect((await fetch(`${platform.url}/oauth/authorize?${plain}`, { redirect: "manual" })).status).toBe(400)
    const remote = new URLSearchParams({
      ...base,
      redirect_uri: "http://evil.example/cb",
      code_challenge: pkce().challenge,
      code_challenge_method: "S256",
    })
    expect((await fetch(`${platform.url}/oauth/authorize?${remote}`, { redirect: "manual" })).status).toBe(
      400,
    )
  })
})

describe("FakePlatform faults", () => {
  it("answers the next N matching calls with a status and Retry-After, then recovers", async () => {
    platform.faults.rateLimit(2, 7, "api")
    const first = await logAsync({ "x-api-key": platform.apiKey })
    expect(first.status).toBe(429)
    expect(first.headers.get("retry-after")).toBe("7")
    expect((await logAsync({ "x-api-key": platform.apiKey })).status).toBe(429)
    expect((await logAsync({ "x-api-key": platform.apiKey })).status).toBe(200)
    expect(platform.requests().map((r) => r.fault)).toEqual(["status", "status", undefined])
  })

  it("fails a seeded fraction of calls reproducibly", async () => {
    const run = async () => {
      const p = await FakePlatform.start({ seed: 42 })
      p.faults.failFraction(0.5, 503)
      const statuses: number[] = []
      for (let i = 0; i < 20; i++)
        statuses.push((await fetch(`${p.url}/v0/sessions`, { method: "POST" })).status)
      await p.close()
      return statuses
    }
    const a = await run()
    expect(a).toEqual(await run())
    const failed = a.filter((s) => s === 503).length
    expect(failed).toBeGreaterThan(3)
    expect(failed).toBeLessThan(17)
  })

  it("drops connections, hangs until closed, and refuses connections while down", async () => {
    platform.faults.dropConnection(1)
    await expect(logAsync({ "x-api-key": platform.apiKey })).rejects.toThrow()
    platform.faults.down()
    await expect(logAsync({ "x-api-key": platform.apiKey })).rejects.toThrow()
    platform.faults.up().hang(1)
    const hung = logAsync({ "x-api-key": platform.apiKey })
    await platform.waitForRequests(2) // the refused connection never became a request
    expect(platform.stats().inFlight).toBe(1)
    await platform.close()
    await expect(hung).rejects.toThrow()
  })

  it("delays calls and tracks the peak of concurrent requests", async () => {
    platform.faults.delay(50)
    await Promise.all(Array.from({ length: 5 }, () => logAsync({ "x-api-key": platform.apiKey })))
    expect(platform.stats()).toMatchObject({ requests: 5, inFlight: 0, maxInFlight: 5 })
  })

  it("expires every issued token on demand", async () => {
    const token = platform.issueToken()
    expect((await logAsync({ authorization: `Bearer ${token}` })).status).toBe(200)
    platform.faults.expireTokens()
    expect((await logAsync({ authorization: `Bearer ${token}` })).status).toBe(401)
    expect((await logAsync({ authorization: `Bearer ${platform.issueToken()}` })).status).toBe(200)
  })
})
