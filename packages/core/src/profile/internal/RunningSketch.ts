import { SketchCell, type SketchCodec } from "./SketchCell.js"

/**
 * A sketch merged into in place, for the running totals of the sketch metrics. The first cell is shared,
 * not copied, until something is merged into it; a result shares the running sketch, so the merge after
 * a result copies it first. Chaining `merge` on views decodes, copies and re-encodes a sketch at every
 * step; a running sketch copies once.
 */
export class RunningSketch<S extends { merge(other: S): unknown }> {
  readonly #first: SketchCell<S>
  #running: S | undefined = undefined
  #shared = false

  constructor(
    private readonly codec: SketchCodec<S>,
    first: SketchCell<S>,
  ) {
    this.#first = first
  }

  /** The merge so far, to read (never to change). */
  peek(): S {
    return this.#running ?? this.#first.peek()
  }

  /** Merges `other` into the running sketch. */
  merge(other: SketchCell<S>): void {
    if (this.#running === undefined) this.#running = this.#first.copy()
    else if (this.#shared) this.#running = this.codec.decode(this.codec.encode(this.#running))
    this.#shared = false
    this.#running.merge(other.peek())
  }

  /** The merge so far as a cell: the first cell itself when nothing was merged into it. */
  result(): SketchCell<S> {
    if (this.#running === undefined) return this.#first
    this.#shared = true
    return SketchCell.ofSketch(this.codec, this.#running)
  }
}
