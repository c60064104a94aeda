/**
 * A stable text for an options value, so that two option objects with the same content (a middleware
 * mounted twice, a Nest module imported twice) name the same profiler. Functions, sessions, promises and
 * other class instances have no comparable content: they are told apart by identity (a number per
 * object, kept in a WeakMap), so two different `ignore` callbacks make two configurations.
 */
export const configurationKey = (value: unknown): string => {
  const seen = new Set<object>()
  return encode(value, seen)
}

const identities = new WeakMap<object, number>()
let nextIdentity = 1

const identityOf = (value: object): number => {
  let id = identities.get(value)
  if (id === undefined) {
    id = nextIdentity++
    identities.set(value, id)
  }
  return id
}

const encode = (value: unknown, seen: Set<object>): string => {
  switch (typeof value) {
    case "undefined":
      return "u"
    case "string":
      return JSON.stringify(value)
    case "number":
      return Object.is(value, -0) ? "-0" : String(value)
    case "boolean":
      return value ? "t" : "f"
    case "bigint":
      return `${value}n`
    case "symbol":
    case "function":
      return `#${identityOf(value as object)}`
    default:
      break
  }
  if (value === null) return "n"
  const object = value as object
  if (object instanceof RegExp) return `/${object.source}/${object.flags}`
  if (seen.has(object)) return `#${identityOf(object)}`
  const proto = Object.getPrototypeOf(object)
  if (Array.isArray(object)) {
    seen.add(object)
    const items = object.map((item) => encode(item, seen))
    seen.delete(object)
    return `[${items.join(",")}]`
  }
  if (proto !== Object.prototype && proto !== null) return `#${identityOf(object)}`
  seen.add(object)
  const keys = Object.keys(object).sort()
  const parts: Array<string> = []
  for (const key of keys) {
    const item = (object as Record<string, unknown>)[key]
    // An explicit `undefined` means "not given", as it does for every option.
    if (item === undefined) continue
    parts.push(`${JSON.stringify(key)}:${encode(item, seen)}`)
  }
  seen.delete(object)
  return `{${parts.join(",")}}`
}
