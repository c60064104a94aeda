/** A column of a text table: its header and whether numbers in it are right-aligned. */
export interface TextColumn {
  readonly header: string
  readonly align?: "left" | "right"
  /** Longest cell kept; longer ones are cut with an ellipsis. */
  readonly maxWidth?: number
  /**
   * Where a long cell is cut: at its end (values), or in its middle (names, whose last part is what
   * tells `…thresholds.approve` from `…thresholds.review`). Either way, two different cells of a column
   * never read the same: cells that would are left whole.
   */
  readonly cut?: "end" | "middle"
}

const cutEnd = (text: string, max: number): string => `${text.slice(0, Math.max(1, max - 1))}…`

// Keeps the first name part and the longest tail that fits from a dot on: the tail tells siblings apart.
const cutMiddle = (text: string, max: number): string => {
  const budget = max - 1
  const minHead = Math.min(8, Math.floor(budget / 3))
  let start = text.length - (budget - minHead)
  const dot = text.indexOf(".", start)
  if (dot !== -1 && dot < text.length - 1) start = dot
  let head = text.slice(0, budget - (text.length - start))
  const headDot = head.lastIndexOf(".")
  if (headDot >= 4) head = head.slice(0, headDot)
  return `${head}…${text.slice(start)}`
}

/** The cells of one column, cut to its width, never making two different cells read the same. */
const fitColumn = (column: TextColumn | undefined, cells: ReadonlyArray<string>): Array<string> => {
  const max = column?.maxWidth
  if (max === undefined) return [...cells]
  const cut = (text: string) =>
    text.length <= max ? text : column?.cut === "middle" ? cutMiddle(text, max) : cutEnd(text, max)
  const shown = cells.map(cut)
  const sources = new Map<string, Set<string>>()
  shown.forEach((text, i) => {
    const set = sources.get(text) ?? new Set<string>()
    set.add(cells[i] as string)
    sources.set(text, set)
  })
  return shown.map((text, i) => ((sources.get(text)?.size ?? 0) > 1 ? (cells[i] as string) : text))
}

/** Renders rows as a plain, aligned text table (no box drawing, so it survives any terminal and log). */
export const textTable = (
  columns: ReadonlyArray<TextColumn>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
): string => {
  const fitted = columns.map((column, i) =>
    fitColumn(
      column,
      rows.map((row) => row[i] ?? ""),
    ),
  )
  const cells = rows.map((_, r) => columns.map((_, i) => fitted[i]?.[r] ?? ""))
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

/**
 * A number as a short readable text, always in one notation (no exponents, so a row never shows
 * `6.150e+4` beside `51,000`): `62,400`, `1,250,000,000`, `0.3125`, `0.0000312`; `—` for nothing.
 */
export const formatNumber = (value: number | null | undefined): string => {
  if (value === null || value === undefined || Number.isNaN(value)) return "—"
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "-∞"
  return Math.abs(value) >= 1000 ? grouped.format(value) : compact.format(value)
}

/** A p-value: `0.1413`, or `<0.0001` below that (drift tests give values down to 1e-300). */
export const formatPValue = (value: number): string => (value < 1e-4 ? "<0.0001" : compact.format(value))

/** `1 row`, `2,040 rows`: a count and its noun, singular or plural as the count says. */
export const countOf = (count: number, singular: string, plural = `${singular}s`): string =>
  `${formatNumber(count)} ${count === 1 ? singular : plural}`
