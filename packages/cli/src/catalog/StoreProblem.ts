/**
 * Something the monitor could not read: the listing of the store, or one profile (damaged, denied,
 * gone). Shown in the page and written to the log; the rest of the store is still shown.
 */
export interface StoreProblem {
  /** The profile's key, when one profile is at fault. */
  readonly key?: string | undefined
  readonly message: string
}

/** One line of text for an error of any kind (typed errors carry their own message). */
export const problemText = (error: unknown): string => {
  try {
    const message = error instanceof Error ? error.message : String(error)
    return message.replace(/\s*[\r\n]+\s*/g, " ").trim() || "unknown error"
  } catch {
    return "unknown error"
  }
}
