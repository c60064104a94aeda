import type { SessionKind } from "./SessionError.js"

/** How the session proves who it is, without the secret. */
export type SessionCredentials =
  | { readonly type: "api-key"; readonly keyId: string }
  | {
      readonly type: "token"
      readonly method: "client_credentials" | "authorization_code" | "token"
      /** ISO time, when known. */
      readonly expiresAt: string | undefined
    }
  | { readonly type: "anonymous"; readonly sessionId: string | undefined }
  | { readonly type: "none" }

/** A snapshot of a session, safe to print or serve: it never holds a secret. */
export interface SessionStatus {
  readonly kind: SessionKind
  /** Which branch of the resolution order chose the kind, e.g. `WHYLABS_API_KEY`. */
  readonly source: string
  readonly orgId: string | undefined
  readonly defaultDatasetId: string | undefined
  /** The platform's base URL (absent for local sessions). */
  readonly apiEndpoint: string | undefined
  readonly credentials: SessionCredentials
  readonly configFile: string | undefined
  readonly uploads: {
    readonly started: number
    readonly succeeded: number
    readonly failed: number
    readonly inFlight: number
  }
  readonly closed: boolean
}
