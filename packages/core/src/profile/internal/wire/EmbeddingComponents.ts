import { create, fromBinary, toBinary } from "@bufbuild/protobuf"
import type { ColumnProfileView } from "../../ColumnProfileView.js"
import { EmbeddingMetric } from "../../metrics/EmbeddingMetric.js"
import { type MetricComponentMessage, MetricComponentMessageSchema } from "../gen/whylogs/messages_pb.js"
import { decodeNpyMatrix, encodeNpyMatrix, NpyFormatError } from "./NpyMatrix.js"

/** The metric's namespace in a column's component paths. */
export const EMBEDDING_NAMESPACE = "embedding"
/** The component holding the reference matrix. */
const REFERENCES = "references"
/** whylogs' `MatrixComponent` type id (a NumPy array in `serialized_bytes`). */
export const MATRIX_TYPE_ID = 101

/** A submetric component path as whylogs' multi-metric writes and splits it: `<submetric>:<namespace>/<component>`. */
const SUBMETRIC_PATH = /^([^:/]+):([^:/]+)\/([^/]+)$/

/**
 * The components of an embedding metric, keyed by their path under `embedding/` (whylogs'
 * `EmbeddingMetric.to_protobuf`): each submetric's components as `<submetric>:<namespace>/<component>`,
 * and `references` as a float64 `.npy` matrix with type id 101. `encodeColumn` gives a submetric's
 * components (the column encoder, whose metrics a submetric shares).
 */
export const embeddingComponents = (
  metric: EmbeddingMetric,
  encodeColumn: (view: ColumnProfileView) => Map<string, MetricComponentMessage>,
): Map<string, MetricComponentMessage> => {
  const out = new Map<string, MetricComponentMessage>()
  for (const [name, view] of metric.submetrics) {
    for (const [path, component] of encodeColumn(view)) out.set(`${name}:${path}`, component)
  }
  if (metric.references !== undefined) {
    out.set(
      REFERENCES,
      create(MetricComponentMessageSchema, {
        typeId: MATRIX_TYPE_ID,
        value: { case: "serializedBytes", value: encodeNpyMatrix(metric.references) },
      }),
    )
  }
  for (const [path, bytes] of metric.otherComponents)
    out.set(path, fromBinary(MetricComponentMessageSchema, bytes))
  return out
}

/**
 * An embedding metric from its components (paths under `embedding/`), as whylogs'
 * `EmbeddingMetric.from_protobuf` groups them: by submetric, each decoded like a column
 * (`decodeColumn`, which reports damaged sketches). What does not fit whylogs' layout — a path of
 * another shape, a nested embedding, references that are not a numeric matrix with one row per
 * label — is kept as bytes and written back unchanged.
 */
export const embeddingFromComponents = (
  components: ReadonlyMap<string, MetricComponentMessage>,
  decodeColumn: (
    components: ReadonlyMap<string, MetricComponentMessage>,
    prefix: string,
  ) => ColumnProfileView,
): EmbeddingMetric => {
  const bySubmetric = new Map<string, Map<string, MetricComponentMessage>>()
  const others = new Map<string, Uint8Array>()
  let matrix: Array<Array<number>> | undefined
  let matrixComponent: MetricComponentMessage | undefined
  for (const [path, component] of components) {
    if (path === REFERENCES && component.value.case === "serializedBytes") {
      try {
        matrix = decodeNpyMatrix(component.value.value)
        matrixComponent = component
        continue
      } catch (error) {
        if (!(error instanceof NpyFormatError)) throw error
      }
    }
    const match = SUBMETRIC_PATH.exec(path)
    if (match === null || match[2] === EMBEDDING_NAMESPACE) {
      others.set(path, toBinary(MetricComponentMessageSchema, component))
      continue
    }
    const [, submetric, namespace, name] = match as unknown as [string, string, string, string]
    let parts = bySubmetric.get(submetric)
    if (parts === undefined) {
      parts = new Map()
      bySubmetric.set(submetric, parts)
    }
    parts.set(`${namespace}/${name}`, component)
  }
  const submetrics = new Map<string, ColumnProfileView>()
  for (const [name, parts] of bySubmetric) {
    submetrics.set(name, decodeColumn(parts, `${EMBEDDING_NAMESPACE}/${name}:`))
  }
  const metric = new EmbeddingMetric({ submetrics, otherComponents: others })
  if (matrix === undefined || matrixComponent === undefined) return metric
  if (matrix.length !== metric.labels.length) {
    // An unconfigured whylogs metric writes a 1×1 zero matrix; keep whatever it is as it came.
    others.set(REFERENCES, toBinary(MetricComponentMessageSchema, matrixComponent))
    return metric
  }
  return new EmbeddingMetric({ submetrics, references: matrix, otherComponents: others })
}
