/** A body read for an intake: the JSON value, or why there is none. */
export type BodyRead =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: "too-large" | "invalid-body"; readonly message: string }

const decoder = new TextDecoder("utf-8", { fatal: true })

/**
 * The JSON value of a body as a framework hands it over: already parsed (any value but `undefined`),
 * or raw (`string`, `Uint8Array`/`Buffer`, `ArrayBuffer`), which is size-checked against `maxBytes`
 * and parsed here. The parser's message is not passed on: it quotes the body.
 */
export const readJson = (body: unknown, maxBytes: number): BodyRead => {
  if (body === undefined)
    return {
      ok: false,
      code: "invalid-body",
      message: "no body: send JSON with Content-Type: application/json",
    }
  let text: string
  if (typeof body === "string") {
    if (Buffer.byteLength(body, "utf8") > maxBytes) return tooLarge(maxBytes)
    text = body
  } else if (body instanceof Uint8Array || body instanceof ArrayBuffer) {
    const bytes = body instanceof ArrayBuffer ? new Uint8Array(body) : body
    if (bytes.byteLength > maxBytes) return tooLarge(maxBytes)
    try {
      text = decoder.decode(bytes)
    } catch {
      return { ok: false, code: "invalid-body", message: "the body is not UTF-8 text" }
    }
  } else {
    return { ok: true, value: body }
  }
  if (text.trim().length === 0) return { ok: false, code: "invalid-body", message: "the body is empty" }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false, code: "invalid-body", message: "the body is not valid JSON" }
  }
}

const tooLarge = (maxBytes: number): BodyRead => ({
  ok: false,
  code: "too-large",
  message: `the body is larger than ${maxBytes} bytes`,
})
