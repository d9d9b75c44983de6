/**
 * CSV for people who open it in a spreadsheet. Escaping a cell against formula injection is a security control
 * (OWASP "CSV Injection"), so it is written once here and every CSV Lantern sends is built with it.
 */

/** A cell a spreadsheet will not run as a formula, quoted where CSV needs it (commas, quotes, new lines). */
export function csvCell(value: unknown): string {
  // A number is written as a number: -3 is a figure, not a formula, and cannot carry one.
  if (typeof value === 'number') return String(value)
  let text = value === null || value === undefined ? '' : String(value)
  // A leading =, +, -, @, tab or carriage return can make a spreadsheet read the cell as a formula; a leading
  // apostrophe makes it text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** Rows of cells as CSV text: CRLF line ends, as RFC 4180 asks, with one after the last row. */
export function csvRows(rows: readonly (readonly unknown[])[]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n'
}
