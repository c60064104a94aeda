/** `1234567.891` → `"1,234,567.89"`: en-US grouping, at most `digits` decimals. */
export const fmt = (x: number, digits = 2): string =>
  x.toLocaleString("en-US", { maximumFractionDigits: digits })

/** One row of a comparison: what was measured, our sketch's figure, the alternative's. */
export type ComparisonRow = readonly [label: string, ours: string, theirs: string]

/**
 * Prints a title line, then the rows side by side under the two contenders' names, in aligned
 * columns: how every sketch benchmark shows its figures.
 */
export const printComparison = (
  title: string,
  contenders: readonly [ours: string, theirs: string],
  rows: ReadonlyArray<ComparisonRow>,
): void => {
  const w0 = Math.max(...rows.map((r) => r[0].length))
  const w1 = Math.max(contenders[0].length, ...rows.map((r) => r[1].length))
  console.log(title)
  console.log(`${"".padEnd(w0)}  ${contenders[0].padEnd(w1)}  ${contenders[1]}`)
  for (const [label, a, b] of rows) console.log(`${label.padEnd(w0)}  ${a.padEnd(w1)}  ${b}`)
}
