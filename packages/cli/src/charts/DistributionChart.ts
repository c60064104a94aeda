import { kllHistogram, sharedHistogramEdges } from "@sketchlog/core/drift"
import type { ColumnDigest } from "../catalog/ColumnDigest.js"
import { formatNumber } from "../format/numbers.js"
import { type ChartSpec, COLORS } from "./ChartSpec.js"

/** A distribution chart and what it cannot show (infinities, a constant), for the caption. */
export interface DistributionChart {
  readonly spec: ChartSpec
  readonly note: string
}

const shares = (h: { readonly counts: ReadonlyArray<number>; readonly n: number }) =>
  h.counts.map((c) => c / Math.max(1, h.n))

/**
 * How a column's values are distributed, against a reference when there is one: a histogram over
 * shared buckets (whylogs' bucketing) when its values are mostly numbers; one labelled bar when every
 * number is the same (not a solid block of one bucket); else bars of its most frequent values.
 * Undefined when it has neither numbers nor frequent values (objects, all nulls).
 */
export const distributionChart = (
  target: ColumnDigest,
  reference: ColumnDigest | undefined,
  labels: readonly [string, string],
  maxValues = 12,
): DistributionChart | undefined => {
  const a = target.numbers
  const b = reference?.numbers
  const type = target.inferredType
  let items = target.topValues(maxValues)
  // A few whole numbers (retries, status codes, ratings) read best as bars of their values.
  const fewIntegers =
    type === "integral" && items.length > 0 && (target.cardinality ?? Number.POSITIVE_INFINITY) <= 20
  const numeric =
    a !== undefined && !fewIntegers && (type === "integral" || type === "fractional" || items.length === 0)
  if (numeric && a !== undefined) {
    const constant = a.min === a.max && (b === undefined || (b.min === b.max && b.min === a.min))
    if (constant) {
      return {
        spec: {
          kind: "bars",
          labels: [formatNumber(a.min)],
          format: "share",
          series: [
            { label: labels[0], values: [1], color: COLORS.primary },
            ...(b === undefined ? [] : [{ label: labels[1], values: [1], color: COLORS.reference }]),
          ],
          height: 140,
        },
        note: `Every value is ${formatNumber(a.min)}.`,
      }
    }
    const edges = sharedHistogramEdges(b === undefined ? [a] : [a, b])
    const ta = edges === undefined ? undefined : kllHistogram(a, edges)
    if (edges !== undefined && ta !== undefined) {
      const tb = b === undefined ? undefined : kllHistogram(b, edges)
      const outside = [
        ta.below > 0 ? `${formatNumber(Math.round(ta.below))} at −∞` : "",
        ta.above > 0 ? `${formatNumber(Math.round(ta.above))} at +∞` : "",
      ].filter((p) => p !== "")
      return {
        spec: {
          kind: "histogram",
          edges,
          format: "share",
          xFormat: type === "integral" ? "integer" : "number",
          series: [
            { label: labels[0], values: shares(ta), color: COLORS.primary },
            ...(tb === undefined ? [] : [{ label: labels[1], values: shares(tb), color: COLORS.reference }]),
          ],
        },
        note: outside.length === 0 ? "" : `Not drawn: ${outside.join(", ")}.`,
      }
    }
  }
  if (items.length === 0) return undefined
  if (fewIntegers) items = [...items].sort((x, y) => Number(x.value) - Number(y.value))
  const refItems = new Map(
    reference?.topValues(Number.POSITIVE_INFINITY, "NO_FALSE_NEGATIVES").map((i) => [i.value, i.est]),
  )
  const total = Math.max(1, target.nonNull)
  const refTotal = Math.max(1, reference?.nonNull ?? 1)
  return {
    spec: {
      kind: "bars",
      labels: items.map((i) => (i.value === "" ? "(empty string)" : i.value)),
      format: "share",
      series: [
        { label: labels[0], values: items.map((i) => i.est / total), color: COLORS.primary },
        ...(reference === undefined
          ? []
          : [
              {
                label: labels[1],
                values: items.map((i) => (refItems.get(i.value) ?? 0) / refTotal),
                color: COLORS.reference,
              },
            ]),
      ],
    },
    note: "",
  }
}
