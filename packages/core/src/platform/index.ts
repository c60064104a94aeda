/**
 * The HTTP client of a WhyLabs-compatible platform: upload endpoints, OAuth endpoints, and the rules
 * every call follows (timeout, concurrency cap, retries honouring `Retry-After`, User-Agent, no plain
 * http:// off loopback). Sessions build one per session; most users never touch it directly.
 */

export { SKETCHLOG_VERSION, USER_AGENT } from "./internal/version.js"
export {
  type AuthorizeParams,
  makeOAuthClient,
  type OAuthClient,
  type OAuthGrant,
  type TokenSet,
} from "./OAuthClient.js"
export { type AuthHeaders, PlatformAuth } from "./PlatformAuth.js"
export {
  apiUrl,
  type CallOptions,
  makePlatformClient,
  type PlatformCallError,
  type PlatformClient,
  type PlatformClientConfig,
  type PutOptions,
  type RetryNotice,
  type SegmentTag,
  type UploadTicket,
} from "./PlatformClient.js"
export { checkEndpoint, DEFAULT_API_ENDPOINT, describeUrl, isLoopbackHost } from "./PlatformEndpoint.js"
export { AuthError, PlatformError, TimeoutError } from "./PlatformError.js"
export {
  isRetryableStatus,
  parseRetryAfter,
  type RetryableFailure,
  RetryPolicy,
  type RetryStep,
} from "./RetryPolicy.js"
