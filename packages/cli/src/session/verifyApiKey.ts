import { apiUrl, describeUrl, USER_AGENT } from "@sketchlog/core/platform"
import type { ApiKey } from "@sketchlog/core/session"
import { Redacted } from "effect"
import { authError, CliError } from "../cli/CliError.js"
import { ExitCode } from "../cli/ExitCode.js"

/**
 * Checks a key with the platform before it is stored: `GET /v0/organizations/{org}/api-key/{keyId}`
 * (WhyLabs' get_api_key), which needs the key itself and changes nothing. A refusal (401, 403, 404)
 * is an auth error naming only the key id; no redirect is followed, so the key goes to `endpoint` only.
 */
export const verifyApiKey = async (args: {
  readonly endpoint: URL
  readonly key: ApiKey
  readonly orgId: string
  readonly timeoutMillis: number
}): Promise<void> => {
  const { endpoint, key, orgId } = args
  const url = apiUrl(
    endpoint,
    `/v0/organizations/${encodeURIComponent(orgId)}/api-key/${encodeURIComponent(key.keyId)}`,
  )
  let response: Response
  try {
    response = await fetch(url, {
      method: "GET",
      headers: {
        "x-api-key": Redacted.value(key.value),
        "user-agent": USER_AGENT,
        accept: "application/json",
      },
      redirect: "manual",
      signal: AbortSignal.timeout(args.timeoutMillis),
    })
  } catch (error) {
    const reason =
      error instanceof Error && error.name === "TimeoutError"
        ? `no answer within ${args.timeoutMillis} ms`
        : error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error)
    throw new CliError({
      exitCode: ExitCode.platform,
      reason: `cannot reach ${describeUrl(endpoint)}: ${reason}`,
    })
  }
  await response.body?.cancel()
  if (response.ok) return
  const status = response.status
  if (status === 401) throw authError(`the platform rejected the API key ${key.keyId} (HTTP 401)`)
  if (status === 403) throw authError(`the API key ${key.keyId} has no access to ${orgId} (HTTP 403)`)
  if (status === 404)
    throw authError(`the platform does not know the API key ${key.keyId} in ${orgId} (HTTP 404)`)
  throw new CliError({
    exitCode: ExitCode.platform,
    reason: `checking the API key with ${describeUrl(endpoint)} failed (HTTP ${status})`,
  })
}
