import { Readable } from "node:stream"
import { describe, expect, it } from "vitest"
import { collectBody } from "../src/collectBody.js"

/** A body as the SDK hands it over: a Node stream with `transformToByteArray`. */
const body = (chunks: ReadonlyArray<Uint8Array>) =>
  Object.assign(Readable.from(chunks), {
    transformToByteArray: () => Promise.resolve(new Uint8Array([9])),
  })

describe("collectBody", () => {
  it("copies the chunks into one array of the answer's Content-Length", async () => {
    const bytes = await collectBody(
      body([new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5])]),
      5,
    )
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4, 5])
    expect(bytes.byteLength).toBe(5)
  })

  it("fails on a body shorter or longer than its Content-Length", async () => {
    await expect(collectBody(body([new Uint8Array([1, 2])]), 3)).rejects.toMatchObject({
      name: "BodyLengthMismatch",
    })
    await expect(
      collectBody(body([new Uint8Array([1, 2]), new Uint8Array([3, 4])]), 3),
    ).rejects.toMatchObject({
      name: "BodyLengthMismatch",
    })
  })

  it("without a Content-Length, leaves the collecting to the SDK", async () => {
    expect(Array.from(await collectBody(body([new Uint8Array([1])]), undefined))).toEqual([9])
  })
})
