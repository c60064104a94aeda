import { isIPv4, isIPv6 } from "node:net"

/**
 * Whether an address the collector is bound to can be reached from other machines: anything but the
 * loopback range (127.0.0.0/8, ::1, and IPv4-mapped loopback). The wildcard addresses (0.0.0.0, ::)
 * listen on every interface, so they are exposed.
 */
export const isExposed = (address: string): boolean => {
  const plain = address.replace(/^\[(.*)\]$/, "$1").toLowerCase()
  const v4 = plain.startsWith("::ffff:") && isIPv4(plain.slice(7)) ? plain.slice(7) : plain
  if (isIPv4(v4)) return !v4.startsWith("127.")
  if (isIPv6(plain)) return plain !== "::1" && plain !== "0:0:0:0:0:0:0:1"
  return plain !== "localhost"
}

/** `http://address:port`, brackets around an IPv6 address. */
export const httpUrl = (address: string, port: number): string =>
  `http://${address.includes(":") ? `[${address}]` : address}:${port}`
