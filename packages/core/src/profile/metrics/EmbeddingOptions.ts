import { compareCodePoints } from "../CodePointOrder.js"
import { ProfileArgumentError } from "../ProfileError.js"

/** How far a vector is from a reference: whylogs' `DistanceFunction` (scikit-learn's pairwise distances). */
export type EmbeddingDistance = "cosine" | "euclidean"

/** Every distance function, for validation. */
export const embeddingDistances: ReadonlyArray<EmbeddingDistance> = ["cosine", "euclidean"]

/**
 * The embedding metric of one column (whylogs' `EmbeddingConfig`): reference vectors (cluster
 * centroids, class prototypes, …) with their labels and the distance to use. Each logged vector then
 * contributes its nearest label and its distance to every reference.
 */
export interface EmbeddingOptions {
  /** The reference vectors, one per label, all of the same dimension (finite numbers). */
  readonly references: ReadonlyArray<ReadonlyArray<number>>
  /** One label per reference, unique, without `:` or `/` (default `"0"`, `"1"`, …). */
  readonly labels?: ReadonlyArray<string> | undefined
  /** Default `"cosine"`, as in whylogs. */
  readonly distance?: EmbeddingDistance | undefined
}

/**
 * References per column at most: each costs a KLL and an HLL sketch in every profile, and up to this
 * many labels the nearest-label counts (a frequent-items sketch holding 768 items) stay exact.
 */
export const MAX_EMBEDDING_REFERENCES = 256
/** Numbers in one column's reference matrix at most (32 MB of doubles). */
export const MAX_EMBEDDING_REFERENCE_CELLS = 4_000_000

/**
 * An embedding configuration checked and put in whylogs' order: labels sorted by code point and the
 * reference rows permuted to match (whylogs sorts them so that a profile read back, which only knows
 * the labels from its component names, lines up with its matrix). Plain data: it crosses to the
 * logger's worker thread.
 */
export interface EmbeddingReferences {
  readonly labels: ReadonlyArray<string>
  /** Row-major, `labels.length × dimension`. */
  readonly matrix: ReadonlyArray<number>
  readonly dimension: number
  readonly distance: EmbeddingDistance
}

/**
 * Checks `options` for `column` and sorts it (see `EmbeddingReferences`); throws
 * `ProfileArgumentError` naming the field (`embeddings["emb"].references[2][5]`, …).
 */
export const resolveEmbeddingOptions = (column: string, options: EmbeddingOptions): EmbeddingReferences => {
  const at = `embeddings[${JSON.stringify(column)}]`
  const fail = (field: string, reason: string): never => {
    throw new ProfileArgumentError({ argument: `${at}${field}`, reason })
  }
  if (typeof options !== "object" || options === null) return fail("", "must be an object with references")
  const references = options.references
  if (!Array.isArray(references) || references.length === 0)
    return fail(".references", "must list at least one reference vector")
  if (references.length > MAX_EMBEDDING_REFERENCES)
    return fail(
      ".references",
      `at most ${MAX_EMBEDDING_REFERENCES} reference vectors, got ${references.length}`,
    )
  const first = references[0]
  const dimension = Array.isArray(first) ? first.length : 0
  if (dimension === 0) return fail(".references[0]", "must be a non-empty array of numbers")
  if (dimension * references.length > MAX_EMBEDDING_REFERENCE_CELLS)
    return fail(".references", `at most ${MAX_EMBEDDING_REFERENCE_CELLS} numbers in all`)
  references.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== dimension)
      fail(`.references[${i}]`, `must hold ${dimension} numbers (the dimension of references[0])`)
    ;(row as ReadonlyArray<unknown>).forEach((x, j) => {
      if (typeof x !== "number" || !Number.isFinite(x))
        fail(`.references[${i}][${j}]`, `must be a finite number, got ${String(x)}`)
    })
  })
  const labels = options.labels ?? references.map((_, i) => String(i))
  if (!Array.isArray(labels) || labels.length !== references.length)
    return fail(".labels", `must give one label per reference (${references.length})`)
  const seen = new Set<string>()
  labels.forEach((label, i) => {
    if (typeof label !== "string" || label.length === 0) fail(`.labels[${i}]`, "must be a non-empty string")
    // whylogs names the submetrics `<label>_distance` and rejects `:` and `/` in them.
    if (label.includes(":") || label.includes("/")) fail(`.labels[${i}]`, `must not contain ":" or "/"`)
    if (seen.has(label)) fail(`.labels[${i}]`, `${JSON.stringify(label)} is given twice`)
    seen.add(label)
  })
  const distance = options.distance ?? "cosine"
  if (!embeddingDistances.includes(distance))
    return fail(".distance", `must be "cosine" or "euclidean", got ${String(distance)}`)
  const order = labels
    .map((_, i) => i)
    .sort((a, b) => compareCodePoints(labels[a] as string, labels[b] as string))
  const matrix: number[] = []
  for (const i of order) for (const x of references[i] as ReadonlyArray<number>) matrix.push(x)
  return { labels: order.map((i) => labels[i] as string), matrix, dimension, distance }
}
