import type { Duration, Redacted } from "effect"
import { optionNamesOf } from "../internal/optionNames.js"
import type { RetryPolicy } from "../platform/RetryPolicy.js"
import type { SessionKind } from "./SessionError.js"

/**
 * Options of `init()` / `Session.layer()`. Every field is optional; options win over the environment
 * (`WHYLABS_*`), which wins over whylogs' config file.
 */
export interface SessionOptions {
  /** Resolve to a local session whatever else is configured (nothing leaves the machine). */
  readonly forceLocal?: boolean
  /**
   * Insist on one kind: `"local"` is `forceLocal`; `"whylabs"` fails instead of falling back to a
   * guest or local session; `"anonymous"` skips every credential and uses a guest session.
   */
  readonly kind?: SessionKind
  /** A WhyLabs API key `<key id>.<secret>[:<org id>]`; wins over `WHYLABS_API_KEY` and the file. */
  readonly apiKey?: string | Redacted.Redacted<string>
  /** The org to upload to, when the key has no `:org-…` suffix. */
  readonly orgId?: string
  /** The dataset used when an upload names none. */
  readonly defaultDatasetId?: string
  /** The platform's base URL (default `https://api.whylabsapp.com`). */
  readonly apiEndpoint?: string
  /** Allow a guest session on the platform when nothing else is configured (default false). */
  readonly allowAnonymous?: boolean
  /** Allow a local session when nothing else is configured (default true). */
  readonly allowLocal?: boolean
  /** Prompt for a key on a TTY when nothing is configured; `false` never prompts (default: prompt on a TTY). */
  readonly interactive?: boolean
  /** Re-resolve even though a session exists (Promise face); the old one is closed. */
  readonly reinit?: boolean
  /** The config file (default `$WHYLOGS_CONFIG_PATH/config.ini` or the user config dir's `whylogs/config.ini`). */
  readonly configPath?: string
  /** Where the sign-in token cache lives (default: the config file's directory). */
  readonly baseDir?: string
  /** Permit plain `http://` to a non-loopback host. Credentials then cross the network in clear. */
  readonly allowInsecure?: boolean
  /** Timeout of each platform call (default 60 s). */
  readonly timeout?: Duration.DurationInput
  /** Platform calls in flight at once, at most (default 8). */
  readonly maxConcurrency?: number
  /** Retry policy of platform calls (default `RetryPolicy.default`); per-upload options override it. */
  readonly retry?: Partial<RetryPolicy>
  /** Refresh a sign-in token this long before it expires (default 60 s). */
  readonly tokenRefreshMargin?: Duration.DurationInput
  /** Events kept for a subscriber that falls behind before the oldest are dropped (default 4096). */
  readonly eventBuffer?: number
}

/** Every option of `init()` / `Session.layer()`. */
export const sessionOptionNames = optionNamesOf<SessionOptions>()([
  "forceLocal",
  "kind",
  "apiKey",
  "orgId",
  "defaultDatasetId",
  "apiEndpoint",
  "allowAnonymous",
  "allowLocal",
  "interactive",
  "reinit",
  "configPath",
  "baseDir",
  "allowInsecure",
  "timeout",
  "maxConcurrency",
  "retry",
  "tokenRefreshMargin",
  "eventBuffer",
])

/** Defaults of the options that have one. */
export const SessionDefaults = {
  allowAnonymous: false,
  allowLocal: true,
  timeout: "60 seconds",
  maxConcurrency: 8,
  tokenRefreshMargin: "60 seconds",
  eventBuffer: 4096,
} as const
