import { SketchError } from "../SketchError.js"

type SketchName = SketchError["sketch"]

/**
 * Bounds-checked little-endian reads over a byte array. Every read past the end throws a
 * `SketchError("Truncated")` naming the field, so a decoder can never read out of range.
 */
export class ByteReader {
  readonly view: DataView
  constructor(
    readonly bytes: Uint8Array,
    readonly sketch: SketchName,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get length(): number {
    return this.bytes.byteLength
  }

  /** Throws unless `size` bytes are available at `offset`. */
  need(offset: number, size: number, field: string): void {
    if (offset < 0 || size < 0 || offset + size > this.bytes.byteLength) {
      throw new SketchError(
        this.sketch,
        "Truncated",
        `${field} needs bytes ${offset}..${offset + size} but the input has ${this.bytes.byteLength}`,
      )
    }
  }

  u8(offset: number, field: string): number {
    this.need(offset, 1, field)
    return this.view.getUint8(offset)
  }

  u16(offset: number, field: string): number {
    this.need(offset, 2, field)
    return this.view.getUint16(offset, true)
  }

  u32(offset: number, field: string): number {
    this.need(offset, 4, field)
    return this.view.getUint32(offset, true)
  }

  i32(offset: number, field: string): number {
    this.need(offset, 4, field)
    return this.view.getInt32(offset, true)
  }

  u64(offset: number, field: string): bigint {
    this.need(offset, 8, field)
    return this.view.getBigUint64(offset, true)
  }

  i64(offset: number, field: string): bigint {
    this.need(offset, 8, field)
    return this.view.getBigInt64(offset, true)
  }

  /** A u64 that must fit a JavaScript number exactly (counts, weights); read as two halves, no BigInt. */
  u64Number(offset: number, field: string): number {
    this.need(offset, 8, field)
    const high = this.view.getUint32(offset + 4, true)
    // beyond 2^53 - 1 exactly when the high half reaches 2^21
    if (high >= 0x20_0000) {
      throw new SketchError(
        this.sketch,
        "Corrupt",
        `${field} is ${this.view.getBigUint64(offset, true)}, beyond 2^53`,
      )
    }
    return high * 0x1_0000_0000 + this.view.getUint32(offset, true)
  }

  f64(offset: number, field: string): number {
    this.need(offset, 8, field)
    return this.view.getFloat64(offset, true)
  }

  /** `count` int32s from `offset`, as a new array (one copy, not a read per value). */
  i32Array(offset: number, count: number, field: string): Int32Array {
    this.need(offset, 4 * count, field)
    const out = new Int32Array(count)
    if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(this.bytes.subarray(offset, offset + 4 * count))
    else for (let i = 0; i < count; i++) out[i] = this.view.getInt32(offset + 4 * i, true)
    return out
  }

  /**
   * `count` doubles from `offset`, as a new array sized to them: one block copied from the input
   * (`ArrayBuffer.prototype.slice`), no separate allocate-then-copy.
   */
  f64Array(offset: number, count: number, field: string): Float64Array {
    this.need(offset, 8 * count, field)
    if (LITTLE_ENDIAN) {
      const from = this.bytes.byteOffset + offset
      return new Float64Array(this.bytes.buffer.slice(from, from + 8 * count))
    }
    const out = new Float64Array(count)
    for (let i = 0; i < count; i++) out[i] = this.view.getFloat64(offset + 8 * i, true)
    return out
  }
}

/** The serialized formats are little-endian; on a little-endian machine arrays are copied as bytes. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1
