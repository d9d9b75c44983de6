import ExcelJS from 'exceljs'

/**
 * Reading an uploaded export: what it is is decided from its bytes (a renamed file is not trusted), and only
 * the cells are kept. Limits keep one upload from holding a worker or the database for long.
 */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024
export const IMPORT_MAX_ROWS = 5_000
const MAX_COLUMNS = 60
const MAX_CELL = 10_000

export type FileKind = 'csv' | 'xlsx'
export type ParsedFile = { kind: FileKind; headers: string[]; rows: string[][] }

export class FileProblem extends Error {}

const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04])

export function sniffImportFile(data: Buffer): FileKind | null {
  if (data.length >= 30 && data.subarray(0, 4).equals(ZIP_LOCAL_HEADER)) {
    // Office Open XML keeps its part names uncompressed: a workbook has both of these.
    return data.includes('[Content_Types].xml', 0, 'latin1') && data.includes('xl/workbook', 0, 'latin1')
      ? 'xlsx'
      : null
  }
  if (data.includes(0)) return null
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data)
  } catch {
    return null
  }
  return 'csv'
}

/** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let i = 0
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  while (i < body.length) {
    const c = body[i]
    if (quoted) {
      if (c === '"') {
        if (body[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
      } else field += c
      i++
      continue
    }
    if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      if (c === '\r' && body[i + 1] === '\n') i++
    } else field += c
    i++
  }
  if (quoted) throw new FileProblem('The file has a quoted value that is never closed')
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value
  // Spreadsheet dates are stored as UTC midnight: read the calendar date, not a local time.
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (value && typeof value === 'object' && 'result' in value && value.result instanceof Date)
    return value.result.toISOString().slice(0, 10)
  return cell.text ?? ''
}

async function parseXlsx(data: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer)
  } catch {
    throw new FileProblem('The file could not be read as an Excel workbook')
  }
  const sheet = workbook.worksheets[0]
  if (!sheet) return []
  const rows: string[][] = []
  const width = Math.min(sheet.columnCount, MAX_COLUMNS + 1)
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = []
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c)))
    rows.push(cells)
  })
  return rows
}

/** Headers and rows from a CSV or XLSX export, with blank lines dropped and cells trimmed. */
export async function readImportFile(data: Buffer): Promise<ParsedFile> {
  const kind = sniffImportFile(data)
  if (!kind) throw new FileProblem('The selected file must be a CSV or an Excel workbook (XLSX)')
  const all = kind === 'csv' ? parseCsv(data.toString('utf8')) : await parseXlsx(data)
  const rows = all.map((r) => r.map((c) => c.trim())).filter((r) => r.some((c) => c !== ''))
  if (rows.length === 0) throw new FileProblem('The selected file is empty')
  const [head, ...body] = rows
  while (head.length > 0 && head[head.length - 1] === '') head.pop()
  if (head.length > MAX_COLUMNS) throw new FileProblem(`The file must have no more than ${MAX_COLUMNS} columns`)
  if (head.some((h) => h === '')) throw new FileProblem('Every column must have a heading in the first row')
  const seen = new Set<string>()
  for (const h of head) {
    if (seen.has(h.toLowerCase()))
      throw new FileProblem(`The column heading "${h.slice(0, 60)}" appears more than once`)
    seen.add(h.toLowerCase())
  }
  if (body.length === 0) throw new FileProblem('The file has headings but no rows')
  if (body.length > IMPORT_MAX_ROWS)
    throw new FileProblem(`The file must have no more than ${IMPORT_MAX_ROWS.toLocaleString('en-GB')} rows`)
  return { kind, headers: head, rows: body.map((r) => head.map((_, i) => (r[i] ?? '').slice(0, MAX_CELL))) }
}
