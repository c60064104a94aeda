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

  /** A u64 that must fit a JavaScript number exactly (counts, weights). */
  u64Number(offset: number, field: string): number {
    const value = this.u64(offset, field)
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new SketchError(this.sketch, "Corrupt", `${field} is ${value}, beyond 2^53`)
    }
    return Number(value)
  }

  f64(offset: number, field: string): number {
    this.need(offset, 8, field)
    return this.view.getFloat64(offset, true)
  }
}
