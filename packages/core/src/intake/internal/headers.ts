/**
 * Request headers as frameworks hand them over: Node's `IncomingHttpHeaders` (lower-case names,
 * string or string[] values), a plain record, or a web `Headers`.
 */
export type IntakeHeaders =
  | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  | { get(name: string): string | null }

/** One header's value (the first when repeated), by lower-case name; undefined when absent. */
export const headerValue = (headers: IntakeHeaders | undefined, name: string): string | undefined => {
  if (headers === undefined || headers === null) return undefined
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined
  }
  const record = headers as Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  let value = Object.hasOwn(record, name) ? record[name] : undefined
  if (value === undefined) {
    // A plain record may keep the sender's casing.
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() === name) {
        value = record[key]
        break
      }
    }
  }
  if (typeof value === "string") return value
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : undefined
  return undefined
}
