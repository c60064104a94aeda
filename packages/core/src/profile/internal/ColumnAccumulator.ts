import { ColumnProfileView } from "../ColumnProfileView.js"
import { CardinalityTotal } from "../metrics/CardinalityMetric.js"
import type { CountsMetric } from "../metrics/CountsMetric.js"
import { DistributionTotal } from "../metrics/DistributionMetric.js"
import type { EmbeddingMetric } from "../metrics/EmbeddingMetric.js"
import { FrequentItemsTotal } from "../metrics/FrequentItemsMetric.js"
import type { IntsMetric } from "../metrics/IntsMetric.js"
import type { TypesMetric } from "../metrics/TypesMetric.js"
import { ProfileArgumentError } from "../ProfileError.js"

/**
 * A running merge of one column's views: metric by metric, present on one side → kept, on both →
 * merged, exactly as chained `ColumnProfileView.merge` calls — but the sketches are merged into running
 * totals in place, and nothing is built until `view()`. One view alone is given back as it is.
 *
 * Merging is two-phase so that a profile merge can be all or nothing: `prepare` does everything that can
 * fail (an embedding merge, a frequent-items total beyond 2^53) without changing anything, `apply`
 * cannot fail.
 */
export class ColumnAccumulator {
  #single: ColumnProfileView | undefined
  #counts: CountsMetric | undefined
  #types: TypesMetric | undefined
  #ints: IntsMetric | undefined
  #embedding: EmbeddingMetric | undefined
  #distribution: DistributionTotal | undefined
  #cardinality: CardinalityTotal | undefined
  #frequentItems: FrequentItemsTotal | undefined
  readonly #firstOthers: ReadonlyMap<string, Uint8Array>
  #others: Map<string, Uint8Array> | undefined = undefined

  constructor(
    first: ColumnProfileView,
    /** The column's name, for errors. */
    private readonly name: string,
  ) {
    this.#single = first
    this.#counts = first.counts
    this.#types = first.types
    this.#ints = first.ints
    this.#embedding = first.embedding
    this.#distribution = first.distribution && new DistributionTotal(first.distribution)
    this.#cardinality = first.cardinality && new CardinalityTotal(first.cardinality)
    this.#frequentItems = first.frequentItems && new FrequentItemsTotal(first.frequentItems)
    this.#firstOthers = first.otherComponents
  }

  /** Checks that `other` can be merged in, and merges what can fail: the embedding metric. */
  prepare(other: ColumnProfileView): EmbeddingMetric | undefined {
    if (
      this.#frequentItems !== undefined &&
      other.frequentItems !== undefined &&
      !this.#frequentItems.canAdd(other.frequentItems)
    ) {
      throw new ProfileArgumentError({
        argument: `column ${JSON.stringify(this.name)}`,
        reason: "merged frequent-items total weight would pass 2^53 - 1",
      })
    }
    const [mine, theirs] = [this.#embedding, other.embedding]
    return mine === undefined ? theirs : theirs === undefined ? mine : mine.merge(theirs)
  }

  /** Merges `other` in, given what `prepare(other)` returned. */
  apply(other: ColumnProfileView, embedding: EmbeddingMetric | undefined): void {
    this.#single = undefined
    this.#counts = pick(this.#counts, other.counts)
    this.#types = pick(this.#types, other.types)
    this.#ints = pick(this.#ints, other.ints)
    this.#embedding = embedding
    if (other.distribution !== undefined) {
      if (this.#distribution === undefined) this.#distribution = new DistributionTotal(other.distribution)
      else this.#distribution.add(other.distribution)
    }
    if (other.cardinality !== undefined) {
      if (this.#cardinality === undefined) this.#cardinality = new CardinalityTotal(other.cardinality)
      else this.#cardinality.add(other.cardinality)
    }
    if (other.frequentItems !== undefined) {
      if (this.#frequentItems === undefined) this.#frequentItems = new FrequentItemsTotal(other.frequentItems)
      else this.#frequentItems.add(other.frequentItems)
    }
    // components of unknown metrics: the first view's copy of each path is kept
    for (const [path, bytes] of other.otherComponents) {
      this.#others ??= new Map(this.#firstOthers)
      if (!this.#others.has(path)) this.#others.set(path, bytes)
    }
  }

  /** `prepare` then `apply`. */
  add(other: ColumnProfileView): this {
    this.apply(other, this.prepare(other))
    return this
  }

  /** The merge so far. */
  view(): ColumnProfileView {
    if (this.#single !== undefined) return this.#single
    return new ColumnProfileView(
      {
        counts: this.#counts,
        types: this.#types,
        distribution: this.#distribution?.result(),
        ints: this.#ints,
        cardinality: this.#cardinality?.result(),
        frequentItems: this.#frequentItems?.result(),
        embedding: this.#embedding,
      },
      this.#others === undefined ? this.#firstOthers : new Map(this.#others),
    )
  }
}

const pick = <M extends { merge(o: M): M }>(a: M | undefined, b: M | undefined): M | undefined =>
  a === undefined ? b : b === undefined ? a : a.merge(b)
