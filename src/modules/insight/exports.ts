import ExcelJS from 'exceljs'
import { csvRows } from '#src/shared/csv.ts'
import type { Table } from './statistics.service.ts'
import type { Quarter } from './insight.filters.ts'

export function tableCsv(table: Table, filterDescription: string): string {
  const lines = [[table.title], [filterDescription], [], table.headers, ...table.rows]
  // A byte-order mark so Excel opens the UTF-8 (accents in nationalities, curly quotes) correctly.
  return '\uFEFF' + csvRows(lines)
}

function addTableSheet(workbook: ExcelJS.Workbook, name: string, table: Table, context: string): void {
  const sheet = workbook.addWorksheet(name.slice(0, 31))
  sheet.addRow([table.title]).font = { bold: true, size: 14 }
  sheet.addRow([table.counts])
  sheet.addRow([context])
  if (table.note) sheet.addRow([table.note])
  sheet.addRow([])
  const header = sheet.addRow(table.headers)
  header.font = { bold: true }
  for (const row of table.rows) sheet.addRow(row.map((c) => (c === null ? '' : c)))
  sheet.getColumn(1).width = Math.min(60, Math.max(24, ...table.rows.map((r) => String(r[0] ?? '').length + 2)))
  for (let i = 2; i <= table.headers.length; i++)
    sheet.getColumn(i).width = Math.max(14, table.headers[i - 1].length + 2)
  sheet.views = [{ state: 'frozen', ySplit: header.number }]
}

export async function tableXlsx(table: Table, filterDescription: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Lantern'
  addTableSheet(workbook, table.title.replace(/[\\/?*[\]:]/g, ' '), table, filterDescription)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** 'first-responder' → 'First responder': short, unique sheet names (Excel allows 31 characters). */
export function sheetName(name: string): string {
  const words = name.replace(/-/g, ' ')
  return (words.charAt(0).toUpperCase() + words.slice(1)).slice(0, 31)
}

/** The quarterly return: a cover sheet saying what is counted and how, then one sheet per table. */
export async function quarterlyReturnXlsx(
  result: { quarter: Quarter; nrm: number; dtn: number; tables: Table[] },
  generatedAt: string,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Lantern'
  const cover = workbook.addWorksheet('Cover')
  cover.getColumn(1).width = 34
  cover.getColumn(2).width = 110
  cover.addRow([`Modern slavery: NRM referrals and Duty to Notify reports, ${result.quarter.title}`]).font = {
    bold: true,
    size: 14,
  }
  cover.addRow([])
  const lines: [string, string][] = [
    ['Quarter', `${result.quarter.label} (${result.quarter.start} to ${result.quarter.end})`],
    ['Produced', generatedAt],
    [
      'Classification',
      'OFFICIAL – SENSITIVE. Figures are not suppressed: small numbers may identify people. Do not publish without applying small-cell suppression.',
    ],
    ['NRM referrals', String(result.nrm)],
    ['Duty to Notify reports', String(result.dtn)],
    [
      'What is counted',
      'One row per potential victim: each NRM referral the team recorded as submitted in the quarter (by its submission date), and each Duty to Notify report made in the quarter. A person referred twice in the quarter is counted twice, as the Home Office counts referrals, not people.',
    ],
    [
      'Age group',
      'Age at exploitation, as the Home Office statistics record it: as screened (exploited when under 18 or not); otherwise from the Duty to Notify report; otherwise a child at NRM referral; otherwise age on the referral date from the date of birth; someone whose age is disputed is presumed a child (Modern Slavery Act 2015 s51); otherwise not known.',
    ],
    [
      'Exploitation type',
      'A referral can record several types. The single-type and combinations sheet puts each referral in exactly one row: "X only" for one type, or its exact combination. The "any combination" sheet counts a referral under each of its types, so it adds up to more than the total. Types are as screened, or else as recorded on the referral; none recorded counts as not specified or unknown.',
    ],
    ['Gender and nationality', 'As on the person’s record; nationality is the first one recorded.'],
    [
      'Location',
      'UK only, overseas only or both, as recorded on the Duty to Notify report. Lantern does not yet record it for NRM referrals, which show as not recorded.',
    ],
    [
      'First responder type',
      'From the partner directory’s kind of organisation when the first responder organisation is there by name; otherwise from the name (police, council, Border Force and so on); otherwise not known.',
    ],
    [
      'Decisions',
      'Reasonable and conclusive grounds decisions recorded as made in the quarter, whatever quarter the referral was made in (the latest decision of each kind per referral). Days are calendar days from NRM referral to decision. Waiting counts referrals made by the end of the quarter with no decision by then, leaving out withdrawn and disqualified ones.',
    ],
    [
      'Source',
      'Lantern, from the decisions the competent authorities sent to the team. The Home Office’s own figures may differ: it counts referrals from every first responder and revises earlier quarters.',
    ],
  ]
  for (const [label, text] of lines) {
    const row = cover.addRow([label, text])
    row.getCell(1).font = { bold: true }
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' }
  }
  cover.addRow([])
  cover.addRow(['Sheets', result.tables.map((t) => t.title).join('; ')]).getCell(2).alignment = { wrapText: true }
  for (const table of result.tables)
    addTableSheet(workbook, sheetName(table.name), table, `${result.quarter.label}: ${result.quarter.title}`)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
