import { compareCodePoints } from "../CodePointOrder.js"
import type { ColumnProfileView, SummaryValue } from "../ColumnProfileView.js"
import { ProfileArgumentError } from "../ProfileError.js"
import type { DistributionMetric } from "./DistributionMetric.js"
import type { EmbeddingDistance } from "./EmbeddingOptions.js"

/** The submetric of the nearest label (whylogs' `closest`). */
export const CLOSEST_SUBMETRIC = "closest"
/** The suffix of each label's distance submetric (whylogs' `<label>_distance`). */
export const DISTANCE_SUFFIX = "_distance"
/**
 * sketchlog's submetric of rows that could not be used: `counts/n` all of them, `types/object` those
 * that were not a vector of numbers, `types/tensor` vectors of the wrong dimension, `counts/nan`
 * vectors holding NaN or ±Infinity. A standard counts/types pair, so whylogs reads it as one more
 * submetric of its embedding metric.
 */
export const INVALID_SUBMETRIC = "invalid"

/** Why rows of an embedding column were not used, by reason. */
export interface InvalidEmbeddings {
  readonly total: number
  /** Not an array (or typed array) of numbers. */
  readonly malformed: number
  /** A vector whose length is not the references' dimension. */
  readonly wrongDimension: number
  /** A vector holding NaN or ±Infinity. */
  readonly nonFinite: number
}

/** What an `EmbeddingMetric` is made of. */
export interface EmbeddingMetricInit {
  /** Submetrics by name (`closest`, `<label>_distance`, `invalid`, and any other whylogs wrote). */
  readonly submetrics: ReadonlyMap<string, ColumnProfileView>
  /** The reference vectors in label order, when known (whylogs writes them as `embedding/references`). */
  readonly references?: ReadonlyArray<ReadonlyArray<number>> | undefined
  /** The distance, when known: whylogs does not write it, so a profile read back has none. */
  readonly distance?: EmbeddingDistance | undefined
  /** `embedding/…` components sketchlog does not read, as protobuf bytes, written back unchanged. */
  readonly otherComponents?: ReadonlyMap<string, Uint8Array> | undefined
}

/**
 * whylogs' `embedding` metric (its experimental `EmbeddingMetric`, a multi-metric): for each reference
 * label a `<label>_distance` submetric (counts, types, distribution, cardinality of the distance of
 * every vector to that reference) and a `closest` submetric (counts, types, cardinality and frequent
 * items of the nearest label), plus sketchlog's `invalid` counts. Serialized under the column as
 * `embedding/<submetric>:<namespace>/<component>` and `embedding/references` (a NumPy `.npy` matrix,
 * type id 101), exactly as whylogs does, so either side reads the other's.
 */
export class EmbeddingMetric {
  readonly submetrics: ReadonlyMap<string, ColumnProfileView>
  readonly references: ReadonlyArray<ReadonlyArray<number>> | undefined
  readonly distance: EmbeddingDistance | undefined
  readonly otherComponents: ReadonlyMap<string, Uint8Array>

  constructor(init: EmbeddingMetricInit) {
    const entries = Array.from(init.submetrics).sort(([a], [b]) => compareCodePoints(a, b))
    this.submetrics = new Map(entries)
    this.references = init.references
    this.distance = init.distance
    this.otherComponents = init.otherComponents ?? new Map()
  }

  /** The reference labels, sorted (taken from the `<label>_distance` submetrics, as whylogs does). */
  get labels(): ReadonlyArray<string> {
    const labels: string[] = []
    for (const name of this.submetrics.keys()) {
      if (name.endsWith(DISTANCE_SUFFIX)) labels.push(name.slice(0, -DISTANCE_SUFFIX.length))
    }
    return labels
  }

  /** Vectors that were used (each gave a nearest label). */
  get n(): number {
    return this.submetrics.get(CLOSEST_SUBMETRIC)?.counts?.n ?? 0
  }

  /** How often each label was the nearest (exact up to 768 labels; estimates of the frequent-items sketch beyond). */
  nearestCounts(): Readonly<Record<string, number>> {
    const sketch = this.submetrics.get(CLOSEST_SUBMETRIC)?.frequentItems?.frequentStrings.peek()
    const out: Record<string, number> = {}
    for (const label of this.labels) {
      Object.defineProperty(out, label, {
        value: sketch === undefined ? 0 : sketch.getEstimate(label),
        enumerable: true,
      })
    }
    return out
  }

  /** The distribution of distances to `label`'s reference, if the label exists. */
  distanceTo(label: string): DistributionMetric | undefined {
    return this.submetrics.get(`${label}${DISTANCE_SUFFIX}`)?.distribution
  }

  /** Rows not used, by reason (zeros for a profile whylogs wrote). */
  get invalid(): InvalidEmbeddings {
    const view = this.submetrics.get(INVALID_SUBMETRIC)
    return {
      total: view?.counts?.n ?? 0,
      malformed: view?.types?.object ?? 0,
      wrongDimension: view?.types?.tensor ?? 0,
      nonFinite: view?.counts?.nan ?? 0,
    }
  }

  /**
   * Submetric by submetric (present on one side → kept; on both → merged), as whylogs' multi-metric
   * merge. Throws `ProfileArgumentError` when both sides carry references (or distances) that differ:
   * their distances would not be comparable, and whylogs refuses that merge too.
   */
  merge(other: EmbeddingMetric): EmbeddingMetric {
    if (this.references !== undefined && other.references !== undefined) {
      if (!sameMatrix(this.references, other.references) || !sameLabels(this.labels, other.labels)) {
        throw new ProfileArgumentError({
          argument: "embedding",
          reason: "cannot merge embedding metrics with different reference vectors or labels",
        })
      }
    }
    if (this.distance !== undefined && other.distance !== undefined && this.distance !== other.distance) {
      throw new ProfileArgumentError({
        argument: "embedding",
        reason: `cannot merge ${this.distance} distances with ${other.distance} distances`,
      })
    }
    const submetrics = new Map(this.submetrics)
    for (const [name, view] of other.submetrics) {
      const mine = submetrics.get(name)
      submetrics.set(name, mine === undefined ? view : mine.merge(view))
    }
    let others = this.otherComponents
    if (other.otherComponents.size > 0) {
      const merged = new Map(other.otherComponents)
      for (const [path, bytes] of this.otherComponents) merged.set(path, bytes)
      others = merged
    }
    return new EmbeddingMetric({
      submetrics,
      references: this.references ?? other.references,
      distance: this.distance ?? other.distance,
      otherComponents: others,
    })
  }

  /** whylogs' summary fields: `embedding/<submetric>:<namespace>/<field>` for every submetric. */
  summary(): Record<string, SummaryValue> {
    const out: Record<string, SummaryValue> = {}
    for (const [name, view] of this.submetrics) {
      for (const [field, value] of Object.entries(view.summary())) {
        Object.defineProperty(out, `embedding/${name}:${field}`, { value, enumerable: true })
      }
    }
    return out
  }
}

const sameLabels = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  a.length === b.length && a.every((label, i) => label === b[i])

const sameMatrix = (a: ReadonlyArray<ReadonlyArray<number>>, b: ReadonlyArray<ReadonlyArray<number>>) =>
  a.length === b.length &&
  a.every((row, i) => {
    const other = b[i] as ReadonlyArray<number>
    return row.length === other.length && row.every((x, j) => Object.is(x, other[j]))
  })
