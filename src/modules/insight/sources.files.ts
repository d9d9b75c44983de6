import ExcelJS from 'exceljs'
import { csvRows } from '#src/shared/csv.ts'
import { CTDC_COLUMNS, type AnonymisedRelease } from './ctdc-export.ts'
import { WITHHELD_TEXT } from './suppression.ts'
import type { PartnerFigures } from './sources.service.ts'

/**
 * Files for partners and for the anonymised release. Only published text goes in: a partner file is built
 * from PartnerTable (labels and display texts), never from the true counts.
 */

function csv(lines: string[][]): string {
  // A byte-order mark so Excel opens UTF-8 (en dashes, curly quotes) correctly.
  return '\uFEFF' + csvRows(lines)
}

export function suppressionNote(threshold: number): string {
  return `Counts from 1 to ${threshold - 1} are shown as “fewer than ${threshold}”. ${WITHHELD_TEXT} marks a count withheld so that a small count cannot be worked out from the totals. Zeros are shown.`
}

function partnerLines(f: PartnerFigures): string[][] {
  const lines: string[][] = [
    ['Modern slavery referrals: figures for partners'],
    [`Period: ${f.periodLabel}`],
    [`Referrals: ${f.referrals}`],
    [`People referred as potential victims: ${f.people}`],
    [suppressionNote(f.threshold)],
    ['Official – Sensitive. For the partner agencies of the safeguarding hub; do not publish further.'],
  ]
  for (const fig of f.figures) {
    lines.push([], [fig.title], [fig.caption])
    if (!fig.table) {
      lines.push(['Not published: too few to break down without identifying people.'])
      continue
    }
    const t = fig.table
    if (fig.oneWay) {
      lines.push([fig.unit, t.columns[0]])
      t.rows.forEach((row, i) => lines.push([row, t.cells[i][0]]))
      lines.push(['Total', t.grandTotal])
    } else {
      lines.push([fig.unit, ...t.columns, 'Total'])
      t.rows.forEach((row, i) => lines.push([row, ...t.cells[i], t.rowTotals[i]]))
      lines.push(['Total', ...t.columnTotals, t.grandTotal])
    }
  }
  return lines
}

export function partnerFiguresCsv(f: PartnerFigures): string {
  return csv(partnerLines(f))
}

export async function partnerFiguresXlsx(f: PartnerFigures): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Lantern'
  const sheet = workbook.addWorksheet('Figures for partners')
  for (const line of partnerLines(f)) {
    const row = sheet.addRow(line)
    if (line.length === 1 && /^(Modern slavery|Referrals by|People referred as potential victims, by)/.test(line[0]))
      row.font = { bold: true }
  }
  sheet.getColumn(1).width = 44
  for (let i = 2; i <= 9; i++) sheet.getColumn(i).width = 18
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

// ── The anonymised release ─────────────────────────────────────────────────────────────────────────────────

function releaseNotes(r: AnonymisedRelease & { period: { label: string } }): [string, string][] {
  return [
    [
      'Dataset',
      'Victims of modern slavery referred to the team: one row per person, in the shape of the CTDC global dataset (Human Trafficking Case Data Standard).',
    ],
    [
      'Period',
      `Referrals received in ${r.period.label}; a person referred more than once appears once, in the year of their first referral.`,
    ],
    [
      'k-anonymity',
      `Every combination of year, gender, age band, citizenship and type of exploitation is shared by at least ${r.k} rows.`,
    ],
    ['Generalised', r.generalised.map((g) => `${g.name}: ${g.level}`).join('; ')],
    [
      'Rows withheld',
      `${r.suppressedRows} of ${r.totalRecords} people, whose combination stayed rarer than ${r.k} after generalising.`,
    ],
    [
      'Means of control',
      'From confirmed screenings; “unknown” where no screening recorded them. 1 = recorded, 0 = not recorded.',
    ],
  ]
}

export function anonymisedCsv(r: AnonymisedRelease): string {
  return csv([[...CTDC_COLUMNS], ...r.rows.map((row) => CTDC_COLUMNS.map((c) => row[c]))])
}

export async function anonymisedXlsx(r: AnonymisedRelease & { period: { label: string } }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Lantern'
  const data = workbook.addWorksheet('Data')
  data.addRow([...CTDC_COLUMNS]).font = { bold: true }
  for (const row of r.rows) data.addRow(CTDC_COLUMNS.map((c) => row[c]))
  data.views = [{ state: 'frozen', ySplit: 1 }]
  CTDC_COLUMNS.forEach((c, i) => (data.getColumn(i + 1).width = Math.max(12, Math.min(40, c.length + 2))))
  const notes = workbook.addWorksheet('Notes')
  notes.getColumn(1).width = 20
  notes.getColumn(2).width = 110
  for (const [label, text] of releaseNotes(r)) {
    const row = notes.addRow([label, text])
    row.getCell(1).font = { bold: true }
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
