/**
 * A number as people read it in a table: integers with thousands separators, others to 4 significant
 * digits (scientific beyond 1e9 or below 1e-3), "—" for a missing value (null, undefined, NaN) and
 * "∞" / "−∞" for infinities.
 */
export const formatNumber = (value: number | null | undefined): string => {
  if (value === null || value === undefined || Number.isNaN(value)) return "—"
  if (value === Number.POSITIVE_INFINITY) return "∞"
  if (value === Number.NEGATIVE_INFINITY) return "−∞"
  const magnitude = Math.abs(value)
  if (Number.isInteger(value) && magnitude < 1e15) return value.toLocaleString("en-US")
  if (magnitude !== 0 && (magnitude >= 1e9 || magnitude < 1e-3))
    return value.toExponential(3).replace(/\.?0+e/, "e")
  const text = value.toPrecision(4)
  return text.includes("e") ? text : Number(text).toLocaleString("en-US", { maximumFractionDigits: 6 })
}

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
