/**
 * The text of an error's cause for a message, which must never throw whatever the cause holds: an
 * `Error` gives its message, anything else its string form; a cause whose message getter throws, a
 * revoked proxy or an object without a prototype (nothing to convert it to a string with) gives its
 * type instead of an exception from inside a `message` getter.
 */
export const causeText = (cause: unknown): string => {
  try {
    if (cause instanceof Error) {
      const message: unknown = cause.message
      if (typeof message === "string") return message
    }
    return typeof cause === "string" ? cause : String(cause)
  } catch {
    // fall through to the type, which cannot throw
  }
  if (cause === null) return "null"
  return typeof cause === "object" ? "[unprintable object]" : `[unprintable ${typeof cause}]`
}
