/** A column of a text table: its header and whether numbers in it are right-aligned. */
export interface TextColumn {
  readonly header: string
  readonly align?: "left" | "right"
  /** Longest cell kept; longer ones are cut with an ellipsis. */
  readonly maxWidth?: number
}

const cut = (text: string, max: number | undefined): string =>
  max === undefined || text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`

/** Renders rows as a plain, aligned text table (no box drawing, so it survives any terminal and log). */
export const textTable = (
  columns: ReadonlyArray<TextColumn>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
): string => {
  const cells = rows.map((row) => row.map((cell, i) => cut(cell, columns[i]?.maxWidth)))
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]?.length ?? 0)))
  const line = (row: ReadonlyArray<string>) =>
    row
      .map((cell, i) => (columns[i]?.align === "right" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd()
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => "─".repeat(w))),
    ...cells.map(line),
  ].join("\n")
}

const compact = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 })
const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 })

/** A number as a short readable text: `62,400`, `0.3125`, `1.25e+9`, `3.1e-12`, `—` for nothing. */
export const formatNumber = (value: number | null | undefined): string => {
  if (value === null || value === undefined || Number.isNaN(value)) return "—"
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "-∞"
  const abs = Math.abs(value)
  if (abs >= 1e9 || (abs > 0 && abs < 1e-4)) return value.toExponential(2)
  if (abs >= 1000) return grouped.format(value)
  return compact.format(value)
}
