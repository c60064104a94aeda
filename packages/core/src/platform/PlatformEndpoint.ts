import { Either } from "effect"

/** The public WhyLabs API, used when no endpoint is configured. */
export const DEFAULT_API_ENDPOINT = "https://api.whylabsapp.com"

/** Whether `hostname` (as `URL.hostname` gives it) names this machine: 127.0.0.0/8, ::1 or localhost. */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" ||
  hostname === "[::1]" ||
  hostname === "::1" ||
  /^127(\.\d{1,3}){3}$/.test(hostname)

/**
 * Checks that a platform URL may be called: `https:` always, plain `http:` only on a loopback host
 * or when `allowInsecure` is set, since credentials and profiles would otherwise cross the network
 * in clear. Gives the parsed URL or, on the left, why it was refused.
 */
export const checkEndpoint = (url: string | URL, allowInsecure: boolean): Either.Either<URL, string> => {
  let parsed: URL
  try {
    parsed = typeof url === "string" ? new URL(url) : url
  } catch {
    return Either.left("is not a valid URL")
  }
  if (parsed.protocol === "https:") return Either.right(parsed)
  if (parsed.protocol !== "http:")
    return Either.left(`uses ${parsed.protocol}; only https: (or http: on loopback) is allowed`)
  if (isLoopbackHost(parsed.hostname) || allowInsecure) return Either.right(parsed)
  return Either.left(
    `uses plain http:// to ${parsed.host}; use https:// (plain http is allowed only on loopback or with allowInsecure)`,
  )
}

/** A URL as it may appear in a message: origin and path, without a query (presigned signatures live there). */
export const describeUrl = (url: URL): string => `${url.origin}${url.pathname}`
