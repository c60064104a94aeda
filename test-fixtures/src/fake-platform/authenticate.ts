import type { FakeOAuth } from "./FakeOAuth.js"
import { errorReply, type Reply } from "./replies.js"
import type { FakeAuthKind } from "./types.js"

const API_KEY_PATTERN = /^[^.:]{10}\.[^:]+(?::(org-[A-Za-z0-9_-]+))?$/

/**
 * Who a request acts as for `orgId`: an API key (`X-API-Key`, of that org) or a bearer token the
 * platform granted (for that org); otherwise the 401 or 403 to answer.
 */
export const authenticate = (
  headers: Record<string, string>,
  orgId: string,
  platform: { readonly apiKeys: ReadonlyArray<string>; readonly orgId: string; readonly oauth: FakeOAuth },
): { readonly kind: FakeAuthKind } | (Reply & { readonly status: number }) => {
  const key = headers["x-api-key"]
  if (key !== undefined) {
    const accepted = platform.apiKeys.find((k) => k === key || k.split(":")[0] === key)
    if (accepted === undefined) return errorReply(401, "unknown API key") as Reply & { status: number }
    const keyOrg = API_KEY_PATTERN.exec(accepted)?.[1] ?? platform.orgId
    if (keyOrg !== orgId)
      return errorReply(403, "the key belongs to another org") as Reply & { status: number }
    return { kind: "api-key" }
  }
  const authorization = headers.authorization
  if (authorization?.startsWith("Bearer ")) {
    const check = platform.oauth.checkBearer(authorization.slice(7))
    if (!check.ok) {
      return errorReply(401, "invalid or expired token", {
        "www-authenticate": 'Bearer error="invalid_token"',
      }) as Reply & { status: number }
    }
    if (check.orgId !== orgId)
      return errorReply(403, "the token acts for another org") as Reply & { status: number }
    return { kind: "bearer" }
  }
  return errorReply(401, "credentials required") as Reply & { status: number }
}
