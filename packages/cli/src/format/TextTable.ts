/** How a column of a text table aligns its cells. */
export type Align = "left" | "right"

/** A column of a text table. */
export interface TextColumn {
  readonly header: string
  readonly align?: Align | undefined
}

const width = (text: string): number => Array.from(text).length

const pad = (text: string, size: number, align: Align): string => {
  const fill = " ".repeat(Math.max(0, size - width(text)))
  return align === "right" ? fill + text : text + fill
}

/**
 * A plain text table: a header row, a rule, then the rows, each column as wide as its widest cell,
 * separated by two spaces. Cells must already be printable (see `printable`).
 */
export const renderTextTable = (
  columns: ReadonlyArray<TextColumn>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
): string => {
  const sizes = columns.map((c, i) => Math.max(width(c.header), ...rows.map((r) => width(r[i] ?? ""))))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, i) => pad(cell, sizes[i] ?? 0, columns[i]?.align ?? "left"))
      .join("  ")
      .trimEnd()
  return [
    line(columns.map((c) => c.header)),
    line(sizes.map((s) => "─".repeat(s))),
    ...rows.map((r) => line(r)),
  ].join("\n")
}

/** Label–value lines with the values aligned: `kind      whylabs`. Values must already be printable. */
export const renderKeyValues = (rows: ReadonlyArray<readonly [string, string]>): string => {
  const size = Math.max(...rows.map(([label]) => width(label)))
  return rows.map(([label, value]) => `${pad(label, size, "left")}  ${value}`.trimEnd()).join("\n")
}
