import { fromBinary } from "@bufbuild/protobuf"
import {
  type ChunkHeader,
  ChunkHeaderSchema,
  type ChunkMessage,
  ChunkMessageSchema,
  type MetricComponentMessage,
} from "../gen/whylogs/messages_pb.js"

/**
 * Reads a `ChunkMessage` (one column: `map<uint32, MetricComponentMessage> metric_components = 1`) into
 * its components by metric index. A profile holds a few hundred components, and the generic protobuf
 * reader, which walks the schema for every field, was a fifth of the cost of reading one; this reads the
 * fields whylogs writes (type id, n, d, and the sketch messages) directly. Anything else — another field,
 * a nested Struct or Any, an unexpected wire type, a malformed message — is left to the generic reader,
 * so the result (and any error) is exactly what it gives.
 */
export const readChunkComponents = (bytes: Uint8Array): Map<number, MetricComponentMessage> => {
  const fast = readFast(bytes)
  if (fast !== undefined) return fast
  const chunk: ChunkMessage = fromBinary(ChunkMessageSchema, bytes)
  return new Map(Object.entries(chunk.metricComponents).map(([key, value]) => [Number(key), value]))
}

/**
 * Reads a `ChunkHeader` (`ChunkType type = 1; string tag = 2; uint32 length = 3`), one per column: the
 * type and length directly, anything else (a tag, another field) through the generic reader.
 */
export const readChunkHeader = (bytes: Uint8Array): ChunkHeader => {
  try {
    const header: ChunkHeader = { $typeName: "ChunkHeader", type: 0, tag: "", length: 0 }
    const c = new Cursor(bytes)
    while (!c.done) {
      const tag = c.uint32()
      if (tag === ((1 << 3) | VARINT)) header.type = c.uint32()
      else if (tag === ((3 << 3) | VARINT)) header.length = c.uint32()
      else throw UNUSUAL
    }
    // an enum value beyond int32 reads differently in the generic reader
    if (header.type > 0x7fffffff) throw UNUSUAL
    return header
  } catch (error) {
    if (error !== UNUSUAL) throw error
    return fromBinary(ChunkHeaderSchema, bytes)
  }
}

/** Protobuf wire types. */
const VARINT = 0
const I64 = 1
const LEN = 2

/** Signals that the fast reader gives up on this chunk (the generic reader takes it). */
class Unusual {}
const UNUSUAL = new Unusual()

/**
 * A cursor over a chunk: every read checks the bounds of the message it is in and throws `UNUSUAL` past
 * them. Nested messages narrow `end` (`enter`) and restore it (`leave`), so reading a chunk allocates
 * nothing but what it returns.
 */
class Cursor {
  pos = 0
  end: number
  readonly view: DataView

  constructor(readonly bytes: Uint8Array) {
    this.end = bytes.length
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get done(): boolean {
    return this.pos >= this.end
  }

  /** A varint of at most 32 significant bits (tags, lengths, uint32 fields). */
  uint32(): number {
    let result = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.end) throw UNUSUAL
      const b = this.bytes[this.pos++] as number
      result += (b & 0x7f) * 2 ** shift
      if (b < 0x80) {
        if (result > 0xffffffff) throw UNUSUAL
        return result
      }
    }
    throw UNUSUAL
  }

  /** An int64 varint, as protobuf-es gives it (a bigint). */
  int64(): bigint {
    let low = 0
    let shift = 0
    // up to 49 bits read as a number: every count a profile holds
    while (shift < 49) {
      if (this.pos >= this.end) throw UNUSUAL
      const b = this.bytes[this.pos++] as number
      low += (b & 0x7f) * 2 ** shift
      if (b < 0x80) return BigInt(low)
      shift += 7
    }
    // larger or negative: the remaining bits as a bigint
    let value = BigInt(low)
    for (let big = BigInt(shift); big < 70n; big += 7n) {
      if (this.pos >= this.end) throw UNUSUAL
      const b = this.bytes[this.pos++] as number
      value |= BigInt(b & 0x7f) << big
      if (b < 0x80) return BigInt.asIntN(64, value)
    }
    throw UNUSUAL
  }

  double(): number {
    if (this.pos + 8 > this.end) throw UNUSUAL
    const value = this.view.getFloat64(this.pos, true)
    this.pos += 8
    return value
  }

  /** A length-delimited field as a view into the chunk. */
  bytesField(): Uint8Array {
    const length = this.uint32()
    const start = this.pos
    if (start + length > this.end) throw UNUSUAL
    this.pos = start + length
    return this.bytes.subarray(start, this.pos)
  }

  /** Steps into a length-delimited message; returns the end of the enclosing one, for `leave`. */
  enter(): number {
    const length = this.uint32()
    const end = this.pos + length
    if (end > this.end) throw UNUSUAL
    const outer = this.end
    this.end = end
    return outer
  }

  /** Steps out of the message entered last (its end was reached). */
  leave(outer: number): void {
    this.end = outer
  }
}

const readFast = (bytes: Uint8Array): Map<number, MetricComponentMessage> | undefined => {
  try {
    const out = new Map<number, MetricComponentMessage>()
    const c = new Cursor(bytes)
    while (!c.done) {
      if (c.uint32() !== ((1 << 3) | LEN)) throw UNUSUAL
      const outer = c.enter()
      let key = 0
      let value: MetricComponentMessage | undefined
      while (!c.done) {
        const tag = c.uint32()
        if (tag === ((1 << 3) | VARINT)) key = c.uint32()
        else if (tag === ((2 << 3) | LEN)) value = readComponent(c)
        else throw UNUSUAL
      }
      c.leave(outer)
      out.set(key, value ?? emptyComponent())
    }
    return out
  } catch (error) {
    if (error === UNUSUAL) return undefined
    throw error
  }
}

const emptyComponent = (): MetricComponentMessage => ({
  $typeName: "MetricComponentMessage",
  typeId: 0,
  value: { case: undefined },
})

const readComponent = (c: Cursor): MetricComponentMessage => {
  const component = emptyComponent()
  const outer = c.enter()
  while (!c.done) {
    const tag = c.uint32()
    switch (tag) {
      case (1 << 3) | VARINT:
        component.typeId = c.uint32()
        break
      case (2 << 3) | VARINT:
        component.value = { case: "n", value: c.int64() }
        break
      case (3 << 3) | I64:
        component.value = { case: "d", value: c.double() }
        break
      case (4 << 3) | LEN:
        component.value = {
          case: "frequentItems",
          value: { $typeName: "FrequentItemsSketchMessage", sketch: readSketch(c) },
        }
        break
      case (5 << 3) | LEN:
        component.value = { case: "hll", value: { $typeName: "HllSketchMessage", sketch: readSketch(c) } }
        break
      case (6 << 3) | LEN:
        component.value = { case: "kll", value: { $typeName: "KllSketchMessage", sketch: readSketch(c) } }
        break
      default:
        throw UNUSUAL
    }
  }
  c.leave(outer)
  return component
}

/** `{ bytes sketch = 1 }`: the sketch bytes (a view into the chunk, as protobuf-es gives them). */
const readSketch = (c: Cursor): Uint8Array => {
  const outer = c.enter()
  let sketch: Uint8Array = EMPTY
  while (!c.done) {
    if (c.uint32() !== ((1 << 3) | LEN)) throw UNUSUAL
    sketch = c.bytesField()
  }
  c.leave(outer)
  return sketch
}

const EMPTY: Uint8Array = new Uint8Array(0)
