/** One CSV field (RFC 4180): quoted when it holds a comma, quote, or line break. */
export const csvField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value

/** CSV text: a header row and the rows, CRLF-separated as RFC 4180 says. */
export const renderCsv = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
): string => `${[header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`
