import { getProxyForUrl } from "proxy-from-env"

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"])

/**
 * The proxy a request to `url` goes through, or "" to connect directly: `HTTPS_PROXY` / `HTTP_PROXY` /
 * `ALL_PROXY` and `NO_PROXY` (either case), as curl and Python's requests read them. Loopback hosts go
 * direct unless `NO_PROXY` is set, in which case it alone says what bypasses the proxy.
 */
export const proxyFor = (url: string): string => {
  const noProxy = process.env.NO_PROXY ?? process.env.no_proxy
  if (noProxy === undefined && LOOPBACK_HOSTS.has(new URL(url).hostname)) return ""
  return getProxyForUrl(url)
}

/** An HTTP(S) proxy to connect to: where it is and the `Proxy-Authorization` its URL's credentials give. */
export interface ProxyServer {
  /** `http:` or `https:` (TLS to the proxy itself). */
  readonly protocol: "http:" | "https:"
  readonly hostname: string
  readonly port: number
  /** `Basic …` from the URL's user and password, when it has them. */
  readonly authorization: string | undefined
  /** A key that tells proxies apart without holding their credentials in clear. */
  readonly key: string
}

/**
 * Reads a proxy URL. Throws an `Error` whose message never repeats the value (it may hold a password)
 * when the value is not an http(s) URL.
 */
export const parseProxy = (value: string): ProxyServer => {
  const url = URL.canParse(value) ? new URL(value) : undefined
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    throw new Error(
      "the proxy named by HTTP_PROXY / HTTPS_PROXY / ALL_PROXY is not an http:// or https:// URL",
    )
  }
  const credentials =
    url.username === "" && url.password === ""
      ? undefined
      : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1")
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port)
  return {
    protocol: url.protocol,
    hostname,
    port,
    authorization:
      credentials === undefined ? undefined : `Basic ${Buffer.from(credentials).toString("base64")}`,
    key: value,
  }
}
