/**
 * One sketch of an immutable view, held as its serialized bytes, its decoded object, or both, each made
 * from the other on first use and then kept. A view taken from a live profile stores the bytes (a
 * snapshot the live sketch can no longer change); a view read from a file or made by a merge stores
 * whichever it has. The decoded object is private to the view: callers get copies.
 */
export class SketchCell<S> {
  #bytes: Uint8Array | undefined
  #sketch: S | undefined

  private constructor(
    private readonly codec: SketchCodec<S>,
    bytes: Uint8Array | undefined,
    sketch: S | undefined,
  ) {
    this.#bytes = bytes
    this.#sketch = sketch
  }

  /** A cell over serialized bytes (decoded when first queried). */
  static ofBytes<S>(codec: SketchCodec<S>, bytes: Uint8Array): SketchCell<S> {
    return new SketchCell(codec, bytes, undefined)
  }

  /** A cell over bytes already decoded (both kept: the bytes are written back unchanged). */
  static ofBoth<S>(codec: SketchCodec<S>, bytes: Uint8Array, sketch: S): SketchCell<S> {
    return new SketchCell(codec, bytes, sketch)
  }

  /** A cell over a sketch object that nothing else holds (encoded when first serialized). */
  static ofSketch<S>(codec: SketchCodec<S>, sketch: S): SketchCell<S> {
    return new SketchCell(codec, undefined, sketch)
  }

  /** The serialized sketch. Do not modify. */
  bytes(): Uint8Array {
    if (this.#bytes === undefined) this.#bytes = this.codec.encode(this.#sketch as S)
    return this.#bytes
  }

  /** The decoded sketch, shared by every query on this cell: read it, never update or merge into it. */
  peek(): S {
    if (this.#sketch === undefined) this.#sketch = this.codec.decode(this.#bytes as Uint8Array)
    return this.#sketch
  }

  /** A fresh, independent copy of the sketch that the caller may change. */
  copy(): S {
    return this.codec.decode(this.bytes())
  }
}

/** How one kind of sketch turns into bytes and back. */
export interface SketchCodec<S> {
  readonly encode: (sketch: S) => Uint8Array
  readonly decode: (bytes: Uint8Array) => S
}
