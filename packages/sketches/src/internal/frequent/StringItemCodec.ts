import type { EncodedItems } from "../../frequent/FrequentItemsSketch.js"
import { SketchError } from "../../SketchError.js"
import type { ByteReader } from "../ByteReader.js"

// `ignoreBOM` keeps a leading U+FEFF that is part of an item; `fatal` rejects malformed UTF-8.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
const encoder = new TextEncoder()

/**
 * Encodes string items as DataSketches' ArrayOfStringsSerDe does: for each item, its UTF-8 byte
 * length (u32) and the bytes. Lone surrogates, which UTF-8 cannot carry, become U+FFFD.
 */
export const encodeStringItems = (items: ReadonlyArray<string>): EncodedItems => {
  const encoded = items.map((item) => encoder.encode(item))
  let byteLength = 0
  for (const e of encoded) byteLength += 4 + e.length
  return {
    byteLength,
    write(bytes, view, start) {
      let pos = start
      for (const e of encoded) {
        view.setUint32(pos, e.length, true)
        bytes.set(e, pos + 4)
        pos += 4 + e.length
      }
    },
  }
}

/** Decodes `count` length-prefixed UTF-8 items from `start`; returns them and the end offset. */
export const decodeStringItems = (
  r: ByteReader,
  start: number,
  count: number,
): { readonly items: Array<string>; readonly end: number } => {
  const items = new Array<string>(count)
  let pos = start
  for (let i = 0; i < count; i++) {
    const length = r.u32(pos, `length of item ${i}`)
    r.need(pos + 4, length, `item ${i} (${length} bytes)`)
    try {
      items[i] = decoder.decode(r.bytes.subarray(pos + 4, pos + 4 + length))
    } catch {
      throw new SketchError("FrequentItems", "Corrupt", `item ${i} at byte ${pos + 4} is not valid UTF-8`)
    }
    pos += 4 + length
  }
  return { items, end: pos }
}
