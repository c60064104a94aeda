/** What a handler did with the request body, as seen through `captureRequestJson`. */
export interface RequestBodyCapture {
  /** The value `request.json()` resolved to, when the handler called it and it succeeded. */
  readonly parsed: { readonly value: unknown } | undefined
}

/**
 * Lets the wrapper see the request body the handler parses, without reading it a second time: the
 * request's own `json()` is shadowed by one that keeps the value it resolves to. Nothing is read
 * unless the handler reads it, and what the handler gets is exactly what `json()` gives. A request
 * whose `json` cannot be replaced (frozen) is left alone.
 */
export const captureRequestJson = (request: Request): RequestBodyCapture => {
  const capture: { parsed: { value: unknown } | undefined } = { parsed: undefined }
  const original = request.json
  if (typeof original !== "function") return capture
  try {
    Object.defineProperty(request, "json", {
      configurable: true,
      writable: true,
      value: function json(this: Request): Promise<unknown> {
        return original.call(this).then((value: unknown) => {
          capture.parsed = { value }
          return value
        })
      },
    })
  } catch {
    // Not extensible: the body is then seen only if the handler leaves it unread.
  }
  return capture
}
