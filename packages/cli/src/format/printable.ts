/**
 * Text safe to print to a terminal: control characters (C0, DEL, C1 — escape sequences among them)
 * are shown as `\n`, `\t` or `\u{…}` instead of being written, so a column name or a frequent value
 * cannot move the cursor, recolour the terminal or forge a line of output.
 */
export const printable = (text: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === "\n" ? "\\n" : c === "\t" ? "\\t" : c === "\r" ? "\\r" : `\\u{${c.charCodeAt(0).toString(16)}}`,
  )

/** Cuts `text` to `width` code points, ending with "…" when it was longer. */
export const truncate = (text: string, width: number): string => {
  const points = Array.from(text)
  return points.length <= width ? text : `${points.slice(0, Math.max(0, width - 1)).join("")}…`
}
