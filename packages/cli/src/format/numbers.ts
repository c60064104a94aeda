/**
 * A number as people read it in a table: integers with thousands separators, others to 4 significant
 * digits below 10,000 and rounded to whole numbers from there (scientific beyond 1e15 or below 1e-3), "—" for a missing value (null, undefined, NaN) and
 * "∞" / "−∞" for infinities.
 */
export const formatNumber = (value: number | null | undefined): string => {
  if (value === null || value === undefined || Number.isNaN(value)) return "—"
  if (value === Number.POSITIVE_INFINITY) return "∞"
  if (value === Number.NEGATIVE_INFINITY) return "−∞"
  const magnitude = Math.abs(value)
  if (Number.isInteger(value) && magnitude < 1e15) return value.toLocaleString("en-US")
  if (magnitude !== 0 && (magnitude >= 1e15 || magnitude < 1e-3))
    return value.toExponential(3).replace(/\.?0+e/, "e")
  // From 10,000 on, whole numbers with separators (49,090 for money, never 4.909e+4).
  if (magnitude >= 1e4) return Math.round(value).toLocaleString("en-US")
  return Number(value.toPrecision(4)).toLocaleString("en-US", { maximumFractionDigits: 6 })
}

/** `1 row`, `2,040 rows`: a count and its noun, singular or plural as the count says. */
export const formatCount = (count: number, singular: string, plural = `${singular}s`): string =>
  `${formatNumber(count)} ${count === 1 ? singular : plural}`

/** A share (0–1) as a percentage: "12.5%", "<0.1%" for a tiny non-zero share, "—" when unknown. */
export const formatPercent = (share: number | null | undefined): string => {
  if (share === null || share === undefined || Number.isNaN(share)) return "—"
  if (share > 0 && share < 0.001) return "<0.1%"
  const percent = share * 100
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)}%`
}

/** A UTC timestamp (epoch ms) as ISO 8601, or "—" when it is not a valid time. */
export const formatTime = (millis: number): string => {
  const date = new Date(millis)
  return Number.isNaN(date.getTime()) ? "—" : date.toISOString()
}
