import type { ColumnProfileView } from "../ColumnProfileView.js"
import type { DatasetProfileView, DatasetProfileViewInit } from "../DatasetProfileView.js"
import type { EmbeddingMetric } from "../metrics/EmbeddingMetric.js"
import type { ProfileSegment } from "../Segment.js"
import { ColumnAccumulator } from "./ColumnAccumulator.js"

/**
 * A running merge of whole profiles, as chained `DatasetProfileView.merge` calls: columns present in
 * either merged where in both (each column a `ColumnAccumulator`), the earliest dataset and creation
 * timestamps, tags and metadata combined with the later profile winning on a shared key, the segment
 * kept while every profile has the same one. `add` is all or nothing.
 */
export class ProfileTotal {
  readonly #columns = new Map<string, ColumnAccumulator>()
  #datasetTimestamp: number
  #creationTimestamp: number
  #tags: Readonly<Record<string, string>>
  #metadata: Readonly<Record<string, string>>
  #segment: ProfileSegment | undefined

  constructor(first: DatasetProfileView) {
    for (const [name, column] of first.columns) this.#columns.set(name, new ColumnAccumulator(column, name))
    this.#datasetTimestamp = first.datasetTimestamp
    this.#creationTimestamp = first.creationTimestamp
    this.#tags = first.tags
    this.#metadata = first.metadata
    this.#segment = first.segment
  }

  add(view: DatasetProfileView): void {
    // first everything that can fail (nothing changes yet), then the changes, which cannot
    const prepared: Array<readonly [ColumnAccumulator, ColumnProfileView, EmbeddingMetric | undefined]> = []
    for (const [name, column] of view.columns) {
      const total = this.#columns.get(name)
      if (total !== undefined) prepared.push([total, column, total.prepare(column)])
    }
    for (const [total, column, embedding] of prepared) total.apply(column, embedding)
    for (const [name, column] of view.columns) {
      if (!this.#columns.has(name)) this.#columns.set(name, new ColumnAccumulator(column, name))
    }
    this.#datasetTimestamp = Math.min(this.#datasetTimestamp, view.datasetTimestamp)
    this.#creationTimestamp = Math.min(this.#creationTimestamp, view.creationTimestamp)
    // spread, not Object.assign: a "__proto__" tag must stay a key, not become a prototype
    this.#tags = { ...this.#tags, ...view.tags }
    this.#metadata = { ...this.#metadata, ...view.metadata }
    if (this.#segment !== undefined && (view.segment === undefined || !this.#segment.equals(view.segment))) {
      this.#segment = undefined
    }
  }

  /** The merge so far, as what a view is made of (a snapshot: later `add`s do not change it). */
  content(): DatasetProfileViewInit {
    const columns = new Map<string, ColumnProfileView>()
    for (const [name, total] of this.#columns) columns.set(name, total.view())
    return {
      columns,
      datasetTimestamp: this.#datasetTimestamp,
      creationTimestamp: this.#creationTimestamp,
      tags: this.#tags,
      metadata: this.#metadata,
      segment: this.#segment,
    }
  }
}
