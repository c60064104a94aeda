import { create, fromBinary, toBinary } from "@bufbuild/protobuf"
import { SketchError } from "@sketchlog/sketches"
import { ColumnProfileView } from "../../ColumnProfileView.js"
import { CardinalityMetric } from "../../metrics/CardinalityMetric.js"
import { CountsMetric } from "../../metrics/CountsMetric.js"
import { DistributionMetric } from "../../metrics/DistributionMetric.js"
import { FrequentItemsMetric } from "../../metrics/FrequentItemsMetric.js"
import { IntsMetric } from "../../metrics/IntsMetric.js"
import { TypesMetric } from "../../metrics/TypesMetric.js"
import { ProfileFormatError } from "../../ProfileError.js"
import { type MetricComponentMessage, MetricComponentMessageSchema } from "../gen/whylogs/messages_pb.js"
import { SketchCell, type SketchCodec } from "../SketchCell.js"
import { frequentCodec, hllCodec, kllCodec } from "../SketchCodecs.js"
import { EMBEDDING_NAMESPACE, embeddingComponents, embeddingFromComponents } from "./EmbeddingComponents.js"

/** whylogs' component type ids: 0 plain, 1 min-aggregated int, 2 max-aggregated int. */
const TYPE_ID_MIN = 1
const TYPE_ID_MAX = 2

const count = (value: number, typeId = 0): MetricComponentMessage =>
  create(MetricComponentMessageSchema, { typeId, value: { case: "n", value: BigInt(value) } })
const double = (value: number): MetricComponentMessage =>
  create(MetricComponentMessageSchema, { value: { case: "d", value } })

/** A column's metric components by `namespace/component` path, as whylogs' `ColumnMessage` has them. */
export const columnComponents = (column: ColumnProfileView): Map<string, MetricComponentMessage> => {
  const out = new Map<string, MetricComponentMessage>()
  const { cardinality, counts, distribution, frequentItems, ints, types } = column
  if (cardinality) {
    const sketch = cardinality.hll.bytes()
    out.set(
      "cardinality/hll",
      create(MetricComponentMessageSchema, { value: { case: "hll", value: { sketch } } }),
    )
  }
  if (counts) {
    out.set("counts/inf", count(counts.inf))
    out.set("counts/n", count(counts.n))
    out.set("counts/nan", count(counts.nan))
    out.set("counts/null", count(counts.null))
    out.set("counts/true", count(counts.true))
  }
  if (distribution) {
    const sketch = distribution.kll.bytes()
    out.set(
      "distribution/kll",
      create(MetricComponentMessageSchema, { value: { case: "kll", value: { sketch } } }),
    )
    out.set("distribution/m2", double(distribution.m2))
    out.set("distribution/mean", double(distribution.mean))
  }
  if (frequentItems) {
    const sketch = frequentItems.frequentStrings.bytes()
    out.set(
      "frequent_items/frequent_strings",
      create(MetricComponentMessageSchema, { value: { case: "frequentItems", value: { sketch } } }),
    )
  }
  if (ints) {
    out.set(
      "ints/max",
      create(MetricComponentMessageSchema, { typeId: TYPE_ID_MAX, value: { case: "n", value: ints.max } }),
    )
    out.set(
      "ints/min",
      create(MetricComponentMessageSchema, { typeId: TYPE_ID_MIN, value: { case: "n", value: ints.min } }),
    )
  }
  if (types) {
    out.set("types/boolean", count(types.boolean))
    out.set("types/fractional", count(types.fractional))
    out.set("types/integral", count(types.integral))
    out.set("types/object", count(types.object))
    out.set("types/string", count(types.string))
    out.set("types/tensor", count(types.tensor))
  }
  if (column.embedding) {
    for (const [path, component] of embeddingComponents(column.embedding, columnComponents)) {
      out.set(`${EMBEDDING_NAMESPACE}/${path}`, component)
    }
  }
  for (const [path, bytes] of column.otherComponents) {
    out.set(path, fromBinary(MetricComponentMessageSchema, bytes))
  }
  return out
}

const known = new Set(["cardinality", "counts", "distribution", "frequent_items", "ints", "types"])

/**
 * A column view from its components (whylogs' `ColumnProfileView.from_protobuf`). Components a metric
 * of whylogs 1.0 lacked (`counts/nan|inf|true`, `types/tensor`) default to 0, as whylogs does; a missing
 * sketch or a component of the wrong kind is a format error. Sketch bytes are decoded here, so a
 * damaged sketch is reported at read time with its column and path.
 */
export const columnFromComponents = (
  column: string,
  components: ReadonlyMap<string, MetricComponentMessage>,
  offset: number,
  /** Put before each path in errors: a submetric's (`embedding/closest:`). */
  pathPrefix = "",
): ColumnProfileView => {
  const fail = (path: string, reason: string): never => {
    throw new ProfileFormatError({
      offset,
      field: `column ${JSON.stringify(column)} / ${pathPrefix}${path}`,
      reason,
    })
  }
  const namespaces = new Set<string>()
  const others = new Map<string, Uint8Array>()
  const embedding = new Map<string, MetricComponentMessage>()
  for (const [path, component] of components) {
    const slash = path.indexOf("/")
    const namespace = slash < 0 ? path : path.slice(0, slash)
    if (known.has(namespace)) namespaces.add(namespace)
    else if (namespace === EMBEDDING_NAMESPACE && pathPrefix === "" && path.length > namespace.length + 1)
      embedding.set(path.slice(namespace.length + 1), component)
    else others.set(path, toBinary(MetricComponentMessageSchema, component))
  }
  const n = (path: string): number => {
    const component = components.get(path)
    if (component === undefined) return 0
    if (component.value.case !== "n")
      return fail(path, `expected an integer (n), found ${component.value.case ?? "nothing"}`)
    return Number(component.value.value)
  }
  const bigN = (path: string, fallback: bigint): bigint => {
    const component = components.get(path)
    if (component === undefined) return fallback
    if (component.value.case !== "n")
      return fail(path, `expected an integer (n), found ${component.value.case ?? "nothing"}`)
    return component.value.value
  }
  const d = (path: string): number => {
    const component = components.get(path)
    if (component === undefined) return 0
    if (component.value.case !== "d")
      return fail(path, `expected a double (d), found ${component.value.case ?? "nothing"}`)
    return component.value.value
  }
  const sketch = <S>(
    path: string,
    kind: "kll" | "hll" | "frequentItems",
    codec: SketchCodec<S>,
  ): SketchCell<S> => {
    const component = components.get(path)
    if (component === undefined) return fail(path, "the metric has no sketch component")
    if (component.value.case !== kind)
      return fail(path, `expected a ${kind} sketch, found ${component.value.case ?? "nothing"}`)
    // a view into the profile's own copy of the input (see decodeProfile), kept to be written back as is
    const bytes = component.value.value.sketch
    try {
      const decoded = codec.decode(bytes)
      // whylogs 1.0 wrote full KLL sketches with preInts 5, which whylogs 1.6 cannot read: re-encode those.
      const legacyKll = kind === "kll" && bytes[0] === 5
      return legacyKll ? SketchCell.ofSketch(codec, decoded) : SketchCell.ofBoth(codec, bytes, decoded)
    } catch (error) {
      if (error instanceof SketchError) return fail(path, error.message)
      throw error
    }
  }
  return new ColumnProfileView(
    {
      cardinality: namespaces.has("cardinality")
        ? new CardinalityMetric(sketch("cardinality/hll", "hll", hllCodec))
        : undefined,
      counts: namespaces.has("counts")
        ? new CountsMetric(
            n("counts/n"),
            n("counts/null"),
            n("counts/nan"),
            n("counts/inf"),
            n("counts/true"),
          )
        : undefined,
      distribution: namespaces.has("distribution")
        ? new DistributionMetric(
            sketch("distribution/kll", "kll", kllCodec),
            d("distribution/mean"),
            d("distribution/m2"),
          )
        : undefined,
      frequentItems: namespaces.has("frequent_items")
        ? new FrequentItemsMetric(sketch("frequent_items/frequent_strings", "frequentItems", frequentCodec))
        : undefined,
      ints: namespaces.has("ints")
        ? new IntsMetric(bigN("ints/min", IntsMetric.empty.min), bigN("ints/max", IntsMetric.empty.max))
        : undefined,
      types: namespaces.has("types")
        ? new TypesMetric(
            n("types/integral"),
            n("types/fractional"),
            n("types/boolean"),
            n("types/string"),
            n("types/object"),
            n("types/tensor"),
          )
        : undefined,
      embedding:
        embedding.size === 0
          ? undefined
          : embeddingFromComponents(embedding, (parts, prefix) =>
              columnFromComponents(column, parts, offset, prefix),
            ),
    },
    others,
  )
}
