/** A segment tag as the platform API carries it: `{ key, value }`. */
export interface FakeSegmentTag {
  readonly key: string
  readonly value: string
}

/** An OAuth client the fake platform knows. A client without a secret is public (PKCE only). */
export interface FakeOAuthClient {
  readonly clientId: string
  readonly clientSecret?: string | undefined
  /** The org its tokens act for; defaults to the platform's org. */
  readonly orgId?: string | undefined
}

/** Options of `FakePlatform.start`. Everything has a working default. */
export interface FakePlatformOptions {
  /** The organisation the generated API key and clients belong to (default `org-fake`). */
  readonly orgId?: string
  /**
   * API keys the platform accepts, in the whylogs format `<10-char id>.<secret>[:<org>]`.
   * Default: one generated key for `orgId`, available as `platform.apiKey`.
   */
  readonly apiKeys?: ReadonlyArray<string>
  /** OAuth clients (default: a confidential one for client credentials and a public one for PKCE). */
  readonly clients?: ReadonlyArray<FakeOAuthClient>
  /** Lifetime of issued access tokens, in seconds (default 3600). */
  readonly tokenTtlSeconds?: number
  /** Seed of the pseudo-random choice behind fractional faults, so a test run is reproducible. */
  readonly seed?: number
}

/** What kind of upload produced a stored profile. */
export type FakeUploadKind = "profile" | "reference" | "anonymous"

/** How a request proved who it was. */
export type FakeAuthKind = "api-key" | "bearer" | "none"

/** A profile the platform received: its bytes and the metadata of the upload that announced it. */
export interface ReceivedProfile {
  readonly id: string
  readonly kind: FakeUploadKind
  readonly orgId: string | undefined
  readonly datasetId: string
  readonly datasetTimestamp: number | undefined
  readonly segmentTags: ReadonlyArray<FakeSegmentTag>
  readonly alias: string | undefined
  readonly sessionId: string | undefined
  readonly auth: FakeAuthKind
  readonly bytes: Uint8Array
  readonly contentType: string | undefined
  readonly receivedAt: Date
}

/** One request the platform saw, in arrival order. */
export interface RecordedRequest {
  readonly seq: number
  readonly method: string
  /** The path without its query string. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** Which family of endpoints the request addressed. */
  readonly route: FaultRoute
  /** The fault applied to it, if any. */
  readonly fault: FaultAction["type"] | undefined
  readonly receivedAt: Date
}

/** A token request the platform answered successfully. */
export interface TokenGrant {
  readonly grantType: "client_credentials" | "authorization_code" | "refresh_token" | "issued"
  readonly clientId: string
  readonly accessToken: string
}

/** Families of endpoints a fault can target. */
export type FaultRoute = "api" | "upload" | "oauth" | "other"

/** Which requests a fault applies to: a route family, `"any"`, or a predicate. */
export type FaultMatch = FaultRoute | "any" | ((request: { method: string; path: string }) => boolean)

/** What a fault does to a request it applies to. */
export type FaultAction =
  /** Answer with this status (and `Retry-After` when given) instead of handling the request. */
  | { readonly type: "status"; readonly status: number; readonly retryAfter?: string | number | undefined }
  /** Wait this long, then handle the request normally. */
  | { readonly type: "delay"; readonly ms: number }
  /** Never answer (the connection stays open until the client gives up or the platform closes). */
  | { readonly type: "hang" }
  /** Destroy the connection without an answer. */
  | { readonly type: "drop" }

/** When and how often a fault applies. */
export interface FaultScope {
  /** Requests it applies to (default `"any"`). */
  readonly match?: FaultMatch
  /** Apply to the next `times` matching requests (default: every matching request until cleared). */
  readonly times?: number
  /** Apply to this fraction (0..1) of matching requests, chosen by the seeded generator. */
  readonly fraction?: number
}
