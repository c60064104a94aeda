import { createHash, randomBytes } from "node:crypto"
import type { FakeFaults } from "./FakeFaults.js"
import type { FakeOAuthClient, TokenGrant } from "./types.js"

/** The out-of-band redirect URI: the platform shows the code instead of redirecting (headless login). */
export const OUT_OF_BAND_REDIRECT = "urn:ietf:wg:oauth:2.0:oob"

interface PendingCode {
  readonly clientId: string
  readonly redirectUri: string
  readonly challenge: string
  readonly orgId: string
  readonly expiresAt: number
}

interface AccessToken {
  readonly clientId: string
  readonly orgId: string
  readonly expiresAt: number
  readonly epoch: number
  revoked: boolean
}

interface RefreshToken {
  readonly clientId: string
  readonly orgId: string
  revoked: boolean
}

/** A reply of an OAuth endpoint, before it is written to the wire. */
export type OAuthReply =
  | { readonly type: "json"; readonly status: number; readonly body: unknown }
  | { readonly type: "redirect"; readonly location: string }
  | { readonly type: "text"; readonly status: number; readonly body: string }

/** Outcome of checking a bearer token on an API call. */
export type BearerCheck = { readonly ok: true; readonly orgId: string } | { readonly ok: false }

const token = (prefix: string) => `${prefix}_${randomBytes(18).toString("hex")}`
const base64url = (bytes: Buffer) => bytes.toString("base64url")

const isLoopbackRedirect = (uri: string): boolean => {
  try {
    const url = new URL(uri)
    return url.protocol === "http:" && ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname)
  } catch {
    return false
  }
}

/**
 * The OAuth 2.0 side of the fake platform: authorization codes bound to a PKCE S256 challenge,
 * the token endpoint (client credentials, authorization code, refresh token) and revocation.
 */
export class FakeOAuth {
  private readonly clients = new Map<string, FakeOAuthClient>()
  private readonly codes = new Map<string, PendingCode>()
  private readonly accessTokens = new Map<string, AccessToken>()
  private readonly refreshTokens = new Map<string, RefreshToken>()
  private readonly grantLog: TokenGrant[] = []
  private readonly revokedLog: string[] = []

  /** @internal */
  constructor(
    clients: ReadonlyArray<FakeOAuthClient>,
    private readonly defaultOrgId: string,
    private readonly ttlSeconds: number,
    private readonly faults: FakeFaults,
  ) {
    for (const client of clients) this.clients.set(client.clientId, client)
  }

  /** Successful token grants, oldest first. */
  grants(): ReadonlyArray<TokenGrant> {
    return [...this.grantLog]
  }

  /** Tokens revoked through `/oauth/revoke`, oldest first. */
  revoked(): ReadonlyArray<string> {
    return [...this.revokedLog]
  }

  /** Forgets every code, token, grant and revocation (tokens issued before no longer work). */
  reset(): void {
    this.codes.clear()
    this.accessTokens.clear()
    this.refreshTokens.clear()
    this.grantLog.length = 0
    this.revokedLog.length = 0
  }

  /** Issues an access token directly (what a user would copy from a web page), for `loginWithToken`. */
  issueToken(clientId: string, ttlSeconds = this.ttlSeconds): string {
    const access = this.newAccessToken(clientId, this.orgOf(clientId), ttlSeconds)
    this.grantLog.push({ grantType: "issued", clientId, accessToken: access })
    return access
  }

  /** Checks an access token presented on an API call. */
  checkBearer(accessToken: string): BearerCheck {
    const found = this.accessTokens.get(accessToken)
    if (
      found === undefined ||
      found.revoked ||
      Date.now() >= found.expiresAt ||
      found.epoch < this.faults.tokenEpoch()
    ) {
      return { ok: false }
    }
    return { ok: true, orgId: found.orgId }
  }

  /** `GET /oauth/authorize`: approves at once (the user is "signed in") unless a denial is pending. */
  authorize(query: URLSearchParams): OAuthReply {
    const clientId = query.get("client_id") ?? ""
    const redirectUri = query.get("redirect_uri") ?? ""
    const state = query.get("state")
    const challenge = query.get("code_challenge") ?? ""
    if (!this.clients.has(clientId)) return jsonError(400, "invalid_client", "unknown client_id")
    if (redirectUri !== OUT_OF_BAND_REDIRECT && !isLoopbackRedirect(redirectUri)) {
      return jsonError(400, "invalid_request", "redirect_uri must be a loopback http URL or the oob URI")
    }
    if (query.get("response_type") !== "code") return jsonError(400, "unsupported_response_type", "")
    if (query.get("code_challenge_method") !== "S256" || challenge.length < 43) {
      return jsonError(400, "invalid_request", "PKCE with code_challenge_method=S256 is required")
    }
    if (this.faults.takeAuthorizationDenial()) {
      if (redirectUri === OUT_OF_BAND_REDIRECT) return jsonError(403, "access_denied", "the user said no")
      const denied = new URL(redirectUri)
      denied.searchParams.set("error", "access_denied")
      if (state !== null) denied.searchParams.set("state", state)
      return { type: "redirect", location: denied.toString() }
    }
    const code = token("fac")
    this.codes.set(code, {
      clientId,
      redirectUri,
      challenge,
      orgId: this.orgOf(clientId),
      expiresAt: Date.now() + 10 * 60_000,
    })
    if (redirectUri === OUT_OF_BAND_REDIRECT) return { type: "text", status: 200, body: code }
    const target = new URL(redirectUri)
    target.searchParams.set("code", code)
    if (state !== null) target.searchParams.set("state", state)
    return { type: "redirect", location: target.toString() }
  }

  /** `POST /oauth/token` with a form body; client credentials may also come as HTTP Basic. */
  token(form: URLSearchParams, authorization: string | undefined): OAuthReply {
    const basic = parseBasic(authorization)
    const clientId = basic?.clientId ?? form.get("client_id") ?? ""
    const clientSecret = basic?.clientSecret ?? form.get("client_secret") ?? undefined
    const client = this.clients.get(clientId)
    if (client === undefined) return jsonError(401, "invalid_client", "unknown client")
    if (client.clientSecret !== undefined && clientSecret !== client.clientSecret) {
      return jsonError(401, "invalid_client", "bad client credentials")
    }
    switch (form.get("grant_type")) {
      case "client_credentials": {
        if (client.clientSecret === undefined) {
          return jsonError(400, "unauthorized_client", "public clients cannot use client_credentials")
        }
        return this.grant("client_credentials", clientId, this.orgOf(clientId), false)
      }
      case "authorization_code": {
        const code = form.get("code") ?? ""
        const pending = this.codes.get(code)
        this.codes.delete(code) // single use, whatever happens next
        if (pending === undefined || pending.clientId !== clientId || Date.now() > pending.expiresAt) {
          return jsonError(400, "invalid_grant", "unknown, used or expired code")
        }
        if (form.get("redirect_uri") !== pending.redirectUri) {
          return jsonError(400, "invalid_grant", "redirect_uri does not match the authorization request")
        }
        const verifier = form.get("code_verifier") ?? ""
        if (base64url(createHash("sha256").update(verifier).digest()) !== pending.challenge) {
          return jsonError(400, "invalid_grant", "PKCE verification failed")
        }
        return this.grant("authorization_code", clientId, pending.orgId, true)
      }
      case "refresh_token": {
        const presented = form.get("refresh_token") ?? ""
        const found = this.refreshTokens.get(presented)
        if (found === undefined || found.revoked || found.clientId !== clientId) {
          return jsonError(400, "invalid_grant", "unknown or revoked refresh token")
        }
        found.revoked = true // rotation: each refresh token works once
        return this.grant("refresh_token", clientId, found.orgId, true)
      }
      default:
        return jsonError(400, "unsupported_grant_type", "")
    }
  }

  /** `POST /oauth/revoke` (RFC 7009): always 200, whether or not the token was known. */
  revoke(form: URLSearchParams): OAuthReply {
    const presented = form.get("token") ?? ""
    const access = this.accessTokens.get(presented)
    if (access !== undefined) access.revoked = true
    const refresh = this.refreshTokens.get(presented)
    if (refresh !== undefined) refresh.revoked = true
    this.revokedLog.push(presented)
    return { type: "json", status: 200, body: {} }
  }

  private grant(
    grantType: TokenGrant["grantType"],
    clientId: string,
    orgId: string,
    withRefresh: boolean,
  ): OAuthReply {
    const accessToken = this.newAccessToken(clientId, orgId, this.ttlSeconds)
    this.grantLog.push({ grantType, clientId, accessToken })
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: this.ttlSeconds,
      org_id: orgId,
    }
    if (withRefresh) {
      const refresh = token("frt")
      this.refreshTokens.set(refresh, { clientId, orgId, revoked: false })
      body.refresh_token = refresh
    }
    return { type: "json", status: 200, body }
  }

  private newAccessToken(clientId: string, orgId: string, ttlSeconds: number): string {
    const access = token("fat")
    this.accessTokens.set(access, {
      clientId,
      orgId,
      expiresAt: Date.now() + ttlSeconds * 1000,
      epoch: this.faults.tokenEpoch(),
      revoked: false,
    })
    return access
  }

  private orgOf(clientId: string): string {
    return this.clients.get(clientId)?.orgId ?? this.defaultOrgId
  }
}

const jsonError = (status: number, error: string, description: string): OAuthReply => ({
  type: "json",
  status,
  body: { error, error_description: description },
})

const parseBasic = (header: string | undefined): { clientId: string; clientSecret: string } | undefined => {
  if (header === undefined || !header.startsWith("Basic ")) return undefined
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  if (colon < 0) return undefined
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon)),
    clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
  }
}
