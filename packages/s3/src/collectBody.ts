import type { Readable } from "node:stream"

/** What the SDK's `GetObject` answers: a Node stream with its mixins (or, elsewhere, a web stream). */
interface Body {
  transformToByteArray(): Promise<Uint8Array>
}

/** A body shorter or longer than its `Content-Length`: the connection was cut (retryable). */
const wrongLength = (received: number, length: number): Error =>
  Object.assign(new Error(`the body had ${received} bytes, its Content-Length says ${length}`), {
    name: "BodyLengthMismatch",
  })

const isNodeStream = (body: unknown): body is Readable =>
  typeof (body as Readable).on === "function" && typeof (body as Readable).resume === "function"

/**
 * The bytes of a `GetObject` body (the SDK's, or a Node answer's), copied as they arrive into one array of the answer's
 * `Content-Length`: the SDK's `transformToByteArray` keeps every chunk until the end and then copies
 * them into a second array, so each download in flight held twice its size. A body that ends short
 * of its length (a connection cut mid-object) fails instead of yielding a truncated profile.
 */
export const collectBody = (body: Body | Readable, length: number | undefined): Promise<Uint8Array> => {
  if (length === undefined || !isNodeStream(body)) return (body as Body).transformToByteArray()
  const stream = body
  return new Promise((resolve, reject) => {
    const bytes = new Uint8Array(length)
    let received = 0
    stream.on("data", (chunk: Uint8Array) => {
      if (received + chunk.byteLength > length) {
        stream.destroy()
        reject(wrongLength(received + chunk.byteLength, length))
        return
      }
      bytes.set(chunk, received)
      received += chunk.byteLength
    })
    stream.once("error", reject)
    let ended = false
    stream.once("end", () => {
      ended = true
      if (received === length) resolve(bytes)
      else reject(wrongLength(received, length))
    })
    // Closed without an end or an error (a socket cut on some Node versions): short, not silent.
    stream.once("close", () => {
      if (!ended) reject(wrongLength(received, length))
    })
  })
}
