import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Clock, Effect, Redacted, Schema } from "effect"
import { makeTransport } from "./internal/transport.js"
import { apiUrl, decodeReply, type PlatformClientConfig } from "./PlatformClient.js"
import { AuthError, type PlatformError, type TimeoutError } from "./PlatformError.js"

/** What the token endpoint granted. Secrets are `Redacted`; `expiresAt` is epoch ms by the Effect Clock. */
export interface TokenSet {
  readonly accessToken: Redacted.Redacted<string>
  readonly refreshToken: Redacted.Redacted<string> | undefined
  readonly tokenType: string
  readonly expiresAt: number | undefined
  /** The org the token acts for, when the platform says (`org_id`). */
  readonly orgId: string | undefined
}

/** A grant presented to `POST /oauth/token`. */
export type OAuthGrant =
  | {
      readonly type: "client_credentials"
      readonly clientId: string
      readonly clientSecret: Redacted.Redacted<string>
    }
  | {
      readonly type: "authorization_code"
      readonly clientId: string
      readonly code: Redacted.Redacted<string>
      readonly redirectUri: string
      readonly codeVerifier: Redacted.Redacted<string>
    }
  | {
      readonly type: "refresh_token"
      readonly clientId: string
      readonly refreshToken: Redacted.Redacted<string>
      readonly clientSecret?: Redacted.Redacted<string> | undefined
    }

/** Parameters of the authorization URL (authorization code with PKCE S256). */
export interface AuthorizeParams {
  readonly clientId: string
  readonly redirectUri: string
  readonly codeChallenge: string
  readonly state: string
  readonly scope?: string | undefined
}

/** The platform's OAuth 2.0 endpoints. */
export interface OAuthClient {
  /** `GET /oauth/authorize?…` as a URL for the user's browser. */
  readonly authorizeUrl: (params: AuthorizeParams) => string
  /** `POST /oauth/token`; a refused grant is an `AuthError` carrying the platform's reason. */
  readonly requestToken: (
    grant: OAuthGrant,
  ) => Effect.Effect<TokenSet, AuthError | PlatformError | TimeoutError>
  /** `POST /oauth/revoke` (RFC 7009). */
  readonly revokeToken: (
    token: Redacted.Redacted<string>,
    hint: "access_token" | "refresh_token",
  ) => Effect.Effect<void, PlatformError | TimeoutError>
}

const TokenJson = Schema.Struct({
  access_token: Schema.String,
  token_type: Schema.optionalWith(Schema.String, { default: () => "Bearer" }),
  expires_in: Schema.optional(Schema.Number),
  refresh_token: Schema.optional(Schema.String),
  org_id: Schema.optional(Schema.String),
})

const formOf = (grant: OAuthGrant): Record<string, string> => {
  switch (grant.type) {
    case "client_credentials":
      return {
        grant_type: "client_credentials",
        client_id: grant.clientId,
        client_secret: Redacted.value(grant.clientSecret),
      }
    case "authorization_code":
      return {
        grant_type: "authorization_code",
        client_id: grant.clientId,
        code: Redacted.value(grant.code),
        redirect_uri: grant.redirectUri,
        code_verifier: Redacted.value(grant.codeVerifier),
      }
    case "refresh_token":
      return {
        grant_type: "refresh_token",
        client_id: grant.clientId,
        refresh_token: Redacted.value(grant.refreshToken),
        ...(grant.clientSecret === undefined ? {} : { client_secret: Redacted.value(grant.clientSecret) }),
      }
  }
}

/** Makes the OAuth client over the same transport rules (timeout, permits, retries) as the API. */
export const makeOAuthClient = (
  config: PlatformClientConfig,
): Effect.Effect<OAuthClient, never, HttpClient.HttpClient> =>
  Effect.map(makeTransport(config), (transport): OAuthClient => {
    const post = (path: string, form: Record<string, string>) =>
      HttpClientRequest.post(apiUrl(config.endpoint, path)).pipe(
        HttpClientRequest.acceptJson,
        HttpClientRequest.bodyUrlParams(form),
      )
    return {
      authorizeUrl: (params) => {
        const url = apiUrl(config.endpoint, "/oauth/authorize")
        url.searchParams.set("response_type", "code")
        url.searchParams.set("client_id", params.clientId)
        url.searchParams.set("redirect_uri", params.redirectUri)
        url.searchParams.set("code_challenge", params.codeChallenge)
        url.searchParams.set("code_challenge_method", "S256")
        url.searchParams.set("state", params.state)
        if (params.scope !== undefined) url.searchParams.set("scope", params.scope)
        return url.toString()
      },
      requestToken: (grant) => {
        const operation = `POST oauth/token (${grant.type})`
        return transport.send(operation, post("/oauth/token", formOf(grant))).pipe(
          Effect.catchTag(
            "PlatformError",
            (error): Effect.Effect<never, AuthError | PlatformError> =>
              error.status === 400 || error.status === 401
                ? Effect.fail(
                    new AuthError({ reason: `sign-in refused: ${error.reason}`, status: error.status }),
                  )
                : Effect.fail(error),
          ),
          Effect.flatMap((reply) => decodeReply(operation, TokenJson, reply)),
          Effect.flatMap((json) =>
            Effect.map(
              Clock.currentTimeMillis,
              (now): TokenSet => ({
                accessToken: Redacted.make(json.access_token),
                refreshToken:
                  json.refresh_token === undefined ? undefined : Redacted.make(json.refresh_token),
                tokenType: json.token_type,
                expiresAt: json.expires_in === undefined ? undefined : now + json.expires_in * 1000,
                orgId: json.org_id,
              }),
            ),
          ),
        )
      },
      revokeToken: (token, hint) =>
        Effect.asVoid(
          transport.send(
            "POST oauth/revoke",
            post("/oauth/revoke", { token: Redacted.value(token), token_type_hint: hint }),
          ),
        ),
    }
  })
