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

/**
 * A single-byte decoder (WHATWG "latin1" is windows-1252: one UTF-16 unit per byte), so the whole item
 * region decodes in one call and each ASCII item is a slice of it at its byte offsets. Absent where the
 * runtime has no such decoder (Node without ICU): then every item is decoded on its own.
 */
const singleByte = ((): InstanceType<typeof TextDecoder> | undefined => {
  try {
    return new TextDecoder("latin1")
  } catch {
    return undefined
  }
})()

/** Decodes `count` length-prefixed UTF-8 items from `start`; returns them and the end offset. */
export const decodeStringItems = (
  r: ByteReader,
  start: number,
  count: number,
): { readonly items: Array<string>; readonly end: number } => {
  const { bytes, view } = r
  const size = bytes.length
  // First the boundaries (errors name the item, built only when one is thrown)...
  let pos = start
  for (let i = 0; i < count; i++) {
    if (pos + 4 > size) r.u32(pos, `length of item ${i}`)
    const length = view.getUint32(pos, true)
    if (pos + 4 + length > size) r.need(pos + 4, length, `item ${i} (${length} bytes)`)
    pos += 4 + length
  }
  const end = pos
  // ...then the text: ASCII items are slices of one decode of the region, others decoded as UTF-8.
  const text = singleByte === undefined || count === 0 ? "" : singleByte.decode(bytes.subarray(start, end))
  const items = new Array<string>(count)
  pos = start
  for (let i = 0; i < count; i++) {
    const from = pos + 4
    const to = from + view.getUint32(pos, true)
    let ascii = singleByte !== undefined
    for (let j = from; j < to && ascii; j++) ascii = bytes[j]! < 0x80
    if (ascii) {
      items[i] = text.slice(from - start, to - start)
    } else {
      try {
        items[i] = decoder.decode(bytes.subarray(from, to))
      } catch {
        throw new SketchError("FrequentItems", "Corrupt", `item ${i} at byte ${from} is not valid UTF-8`)
      }
    }
    pos = to
  }
  return { items, end }
}
