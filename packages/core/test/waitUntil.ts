// Waiting for a condition in tests without asserting on time.

/** Polls `condition` on the event loop (never asserting on time): fails only if it never holds. */
export const waitUntil = async (condition: () => boolean, limitMs = 10_000): Promise<void> => {
  const until = Date.now() + limitMs
  while (!condition()) {
    if (Date.now() > until) throw new Error("the condition never held")
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
