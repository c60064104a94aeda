import type { Redacted } from "effect"
import { runOnNode } from "../node/promiseRuntime.js"
import {
  type LoginOptions,
  type LoginResult,
  type LoginTarget,
  type LogoutResult,
  loginEffect,
  loginWithTokenEffect,
  logoutEffect,
  type TokenLoginOptions,
} from "./auth/LoginFlows.js"

/**
 * Signs in and caches the token in the config directory (or `baseDir`), mode 0600:
 * - `{ clientId, clientSecret, apiUrl }`: OAuth client credentials;
 * - `{ showBrowser(url), apiUrl }`: authorization code with PKCE in a browser, callback on 127.0.0.1;
 * - `{ getAuthCode(url), apiUrl }`: the same without a local browser (the user pastes the code).
 * Sessions opened afterwards, in any process, use the cached token and renew it as needed.
 */
export const login = (options: LoginOptions): Promise<LoginResult> => runOnNode(loginEffect(options))

/**
 * Stores an access token obtained elsewhere.
 * @deprecated The token cannot be renewed when it expires; use `login()`.
 */
export const loginWithToken = (
  token: string | Redacted.Redacted<string>,
  options?: TokenLoginOptions,
): Promise<LoginResult> => runOnNode(loginWithTokenEffect(token, options))

/** Revokes the cached sign-in on the platform (best effort) and deletes the cache. */
export const logout = (options?: LoginTarget): Promise<LogoutResult> => runOnNode(logoutEffect(options))

/** The sign-in operations as Effects (they need FileSystem, Path and HttpClient, e.g. NodeContext + NodeHttpClient). */
export const Auth = {
  /** See `login()`. */
  login: loginEffect,
  /** See `loginWithToken()`; deprecated. */
  loginWithToken: loginWithTokenEffect,
  /** See `logout()`. */
  logout: logoutEffect,
}
