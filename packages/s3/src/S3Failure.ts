import { StoreError } from "@sketchlog/core/store"

/** What an AWS SDK error tells, read defensively (its shape differs between service, network and credential errors). */
interface SdkError {
  readonly name?: unknown
  readonly code?: unknown
  readonly $metadata?: { readonly httpStatusCode?: unknown }
  readonly $response?: { readonly headers?: Record<string, unknown> }
  readonly $retryable?: unknown
}

const NOT_FOUND = new Set(["NoSuchKey", "NoSuchBucket", "NotFound"])
const DENIED = new Set([
  "AccessDenied",
  "AllAccessDisabled",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "CredentialsProviderError",
  "AccountProblem",
  "InvalidSecurity",
])
const THROTTLED = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "TooManyRequests",
  "RequestLimitExceeded",
])
const INVALID = new Set([
  "InvalidBucketName",
  "PermanentRedirect",
  "AuthorizationHeaderMalformed",
  "InvalidURI",
])
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
])

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

/** `Retry-After` as milliseconds: delta seconds or an HTTP date; absent or unreadable → undefined. */
export const retryAfterMillis = (value: unknown, now = Date.now()): number | undefined => {
  const header = Array.isArray(value) ? value[0] : value
  if (typeof header !== "string" || header.trim() === "") return undefined
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * The `StoreError` for what the AWS SDK threw while `operation` ran on `key`. The detail names the
 * error code and HTTP status and says what to check; it never quotes a server's message or the
 * request (which could echo a signature or a header), so no secret can reach a log.
 */
export const storeErrorOf = (
  error: unknown,
  where: { readonly url: string; readonly key?: string | undefined; readonly operation: string },
): StoreError => {
  const sdk = (typeof error === "object" && error !== null ? error : {}) as SdkError
  const name = text(sdk.name) ?? "Error"
  const code = text(sdk.code)
  const status = typeof sdk.$metadata?.httpStatusCode === "number" ? sdk.$metadata.httpStatusCode : undefined
  const what = `${where.operation}: ${name}${status === undefined ? "" : ` (HTTP ${status})`}`
  const base = { url: where.url, key: where.key, cause: error }
  if (NOT_FOUND.has(name) || status === 404) {
    const detail = name === "NoSuchBucket" ? `${what}: no such bucket` : `${what}: no such object`
    return new StoreError({ ...base, reason: "not-found", detail, retryable: false })
  }
  if (name === "CredentialsProviderError") {
    return new StoreError({
      ...base,
      reason: "denied",
      detail: `${where.operation}: no AWS credentials found (environment, shared config and credentials files, SSO, web identity, instance metadata); give some or set AWS_PROFILE`,
      retryable: false,
    })
  }
  if (DENIED.has(name) || status === 401 || status === 403) {
    return new StoreError({
      ...base,
      reason: "denied",
      detail: `${what}: the store refused the credentials or the permission; check the access key, the bucket policy and the clock`,
      retryable: false,
    })
  }
  if (THROTTLED.has(name) || status === 429 || status === 503) {
    return new StoreError({
      ...base,
      reason: "unavailable",
      detail: `${what}: the store asks to slow down`,
      retryable: true,
      retryAfterMillis: retryAfterMillis(sdk.$response?.headers?.["retry-after"]),
    })
  }
  if (
    INVALID.has(name) ||
    (name === "Error" && /region is missing/i.test(String((error as Error).message)))
  ) {
    return new StoreError({
      ...base,
      reason: "invalid-url",
      detail: `${what}: check the bucket name, its region (AWS_REGION) and the endpoint`,
      retryable: false,
    })
  }
  if (status !== undefined && status >= 500) {
    return new StoreError({
      ...base,
      reason: "unavailable",
      detail: `${what}: the store failed`,
      retryable: true,
    })
  }
  if (
    (code !== undefined && NETWORK.has(code)) ||
    name === "TimeoutError" ||
    name === "RequestTimeout" ||
    name === "AbortError" ||
    sdk.$retryable !== undefined ||
    status === undefined
  ) {
    return new StoreError({
      ...base,
      reason: "unavailable",
      detail: `${where.operation}: the store cannot be reached (${code ?? name})`,
      retryable: true,
    })
  }
  return new StoreError({
    ...base,
    reason: "unavailable",
    detail: `${what}: the store refused the request`,
    retryable: false,
  })
}
