import { hostname } from "node:os"

/** What a replica id may hold: letters, digits and `-` (it is one part of an object's name). */
const REPLICA = /^[A-Za-z0-9-]{1,128}$/

/** The host name part: at most 40 characters of letters, digits and `-`. */
const hostPart = (name: string): string =>
  name
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40) || "host"

let current: string | undefined

/**
 * This process's replica id: host name, process id and start time (base 36 ms), e.g.
 * `web-7f9c-4121-lx3k9a2b`. Two processes never share one, even on one host or after a restart with
 * the same process id, so their objects never overwrite each other.
 */
export const processReplicaId = (): string => {
  current ??= `${hostPart(hostname())}-${process.pid}-${Math.round(performance.timeOrigin).toString(36)}`
  return current
}

/** Whether `id` can name a replica in an object key (`[A-Za-z0-9-]`, 1–128 characters). */
export const isReplicaId = (id: string): boolean => REPLICA.test(id)
