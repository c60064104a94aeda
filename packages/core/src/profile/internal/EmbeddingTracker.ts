import { ColumnProfileView } from "../ColumnProfileView.js"
import { CountsMetric } from "../metrics/CountsMetric.js"
import {
  CLOSEST_SUBMETRIC,
  DISTANCE_SUFFIX,
  EmbeddingMetric,
  INVALID_SUBMETRIC,
} from "../metrics/EmbeddingMetric.js"
import type { EmbeddingReferences } from "../metrics/EmbeddingOptions.js"
import { TypesMetric } from "../metrics/TypesMetric.js"
import { ColumnTracker } from "./ColumnTracker.js"

/** Elements of one value looked at, at most, to tell a vector of the wrong length from a non-vector. */
const MAX_SCAN = 100_000

/**
 * The mutable state of one embedding column: for every vector, its distance to each reference (one
 * fractional column tracker per label: KLL, mean/M2, HLL, counts, types) and its nearest label (a string
 * tracker: frequent items, HLL, counts, types), with scikit-learn's distances as whylogs uses them.
 * Values that are not a usable vector are counted by reason and otherwise ignored; nothing throws.
 */
export class EmbeddingTracker {
  readonly #references: EmbeddingReferences
  readonly #matrix: Float64Array
  /** Euclidean norm of each reference (cosine). */
  readonly #norms: Float64Array
  /** The vector being tracked, and its distances (reused: no allocation per vector). */
  readonly #vector: Float64Array
  readonly #distances: Float64Array
  readonly #byLabel: ReadonlyArray<ColumnTracker>
  readonly #closest: ColumnTracker
  #malformed = 0
  #wrongDimension = 0
  #nonFinite = 0

  constructor(references: EmbeddingReferences) {
    this.#references = references
    const { labels, dimension } = references
    this.#matrix = Float64Array.from(references.matrix)
    this.#norms = new Float64Array(labels.length)
    for (let k = 0; k < labels.length; k++) {
      let sum = 0
      for (let i = 0; i < dimension; i++) {
        const x = this.#matrix[k * dimension + i] as number
        sum += x * x
      }
      this.#norms[k] = Math.sqrt(sum)
    }
    this.#vector = new Float64Array(dimension)
    this.#distances = new Float64Array(labels.length)
    this.#byLabel = labels.map(() => new ColumnTracker("fractional"))
    this.#closest = new ColumnTracker("string")
    // whylogs' closest submetric has no distribution: labels never reach a KLL anyway.
    this.#closest.kll = null
  }

  /** Counts one non-null value: a vector of the references' dimension, or an invalid row. */
  track(value: unknown): void {
    const length = vectorLength(value)
    if (length < 0) {
      this.#malformed++
      return
    }
    const dimension = this.#references.dimension
    const vector = this.#vector
    const cells = value as ArrayLike<unknown>
    let finite = true
    try {
      const scan = Math.min(length, MAX_SCAN)
      for (let i = 0; i < scan; i++) {
        const x = cells[i]
        if (typeof x !== "number") {
          this.#malformed++
          return
        }
        if (i < dimension) vector[i] = x
        if (x - x !== 0) finite = false
      }
    } catch {
      // A Proxy or a getter on an index that throws.
      this.#malformed++
      return
    }
    if (length !== dimension) {
      this.#wrongDimension++
      return
    }
    if (!finite || !this.#measure()) {
      this.#nonFinite++
      return
    }
    const distances = this.#distances
    let nearest = 0
    for (let k = 0; k < distances.length; k++) {
      const d = distances[k] as number
      ;(this.#byLabel[k] as ColumnTracker).track(d)
      if (d < (distances[nearest] as number)) nearest = k
    }
    this.#closest.track(this.#references.labels[nearest])
  }

  /** Fills `#distances` from `#vector`; false when a distance is not a number (overflow of huge values). */
  #measure(): boolean {
    const { dimension, distance } = this.#references
    const vector = this.#vector
    const matrix = this.#matrix
    const distances = this.#distances
    let vectorNorm = 0
    if (distance === "cosine") {
      for (let i = 0; i < dimension; i++) vectorNorm += (vector[i] as number) * (vector[i] as number)
      vectorNorm = Math.sqrt(vectorNorm)
    }
    for (let k = 0; k < distances.length; k++) {
      const base = k * dimension
      let d: number
      if (distance === "euclidean") {
        let sum = 0
        for (let i = 0; i < dimension; i++) {
          const delta = (vector[i] as number) - (matrix[base + i] as number)
          sum += delta * delta
        }
        d = Math.sqrt(sum)
      } else {
        // scikit-learn normalises both sides, leaving a zero vector at zero (similarity 0, distance 1),
        // and clips the result to [0, 2].
        let dot = 0
        for (let i = 0; i < dimension; i++) dot += (vector[i] as number) * (matrix[base + i] as number)
        const norms = vectorNorm * (this.#norms[k] as number)
        const similarity = norms === 0 ? 0 : dot / norms
        d = Math.min(2, Math.max(0, 1 - similarity))
      }
      if (Number.isNaN(d)) return false
      distances[k] = d
    }
    return true
  }

  /** An immutable copy of the metric as it is now. */
  snapshot(): EmbeddingMetric {
    const { labels, dimension, distance } = this.#references
    const submetrics = new Map<string, ColumnProfileView>()
    labels.forEach((label, k) => {
      submetrics.set(`${label}${DISTANCE_SUFFIX}`, (this.#byLabel[k] as ColumnTracker).snapshot())
    })
    submetrics.set(CLOSEST_SUBMETRIC, this.#closest.snapshot())
    const total = this.#malformed + this.#wrongDimension + this.#nonFinite
    submetrics.set(
      INVALID_SUBMETRIC,
      new ColumnProfileView({
        counts: new CountsMetric(total, 0, this.#nonFinite, 0, 0),
        types: new TypesMetric(0, 0, 0, 0, this.#malformed, this.#wrongDimension),
      }),
    )
    const references = labels.map((_, k) =>
      Array.from(this.#matrix.subarray(k * dimension, (k + 1) * dimension)),
    )
    return new EmbeddingMetric({ submetrics, references, distance })
  }
}

/** The length of an array or a numeric typed array (not a DataView); −1 for anything else. */
const vectorLength = (value: unknown): number => {
  try {
    if (Array.isArray(value)) return value.length
    if (ArrayBuffer.isView(value) && !(value instanceof DataView))
      return (value as unknown as ArrayLike<unknown>).length
  } catch {
    // Array.isArray throws on a revoked Proxy.
  }
  return -1
}
