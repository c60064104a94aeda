/** Up to about `count` round tick values covering [min, max] (steps of 1, 2 or 5 × 10^k). */
export const niceTicks = (min: number, max: number, count = 5): number[] => {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return []
  if (min === max) return [min]
  const span = max - min
  const rough = span / Math.max(1, count)
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => span / s <= count) ?? 10 * power
  const ticks: number[] = []
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)))
  }
  return ticks
}

/** A number short enough for an axis label: 1.2k, 3.4M, 0.012, 1e-7. */
export const shortNumber = (value: number): string => {
  if (!Number.isFinite(value)) return value > 0 ? "∞" : value < 0 ? "−∞" : "—"
  const magnitude = Math.abs(value)
  if (magnitude === 0) return "0"
  if (magnitude >= 1e15 || magnitude < 1e-4) return value.toExponential(1).replace(".0e", "e")
  for (const [limit, suffix] of [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ] as const) {
    if (magnitude >= limit) return `${Number((value / limit).toPrecision(3))}${suffix}`
  }
  return String(Number(value.toPrecision(3)))
}

/** A UTC time as a short axis label: "01-31 14:00", or "2024-01-31" when every label is midnight. */
export const shortTime = (millis: number, dateOnly: boolean): string => {
  const iso = new Date(millis).toISOString()
  return dateOnly ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`
}
