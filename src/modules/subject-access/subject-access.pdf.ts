import { formatDateTime } from '#src/shared/dates.ts'
import { renderPdf } from '#src/platform/pdf/pdf-document.ts'
import type { Bundle } from './subject-access.bundle.ts'

/** The subject access bundle as a PDF: the same sections and redaction marks as the JSON, then the redaction schedule. */
export function subjectAccessPdf(bundle: Bundle): Promise<Buffer> {
  // Names in every script must print: the house fonts do.
  return renderPdf(
    {
      title: `Subject access ${bundle.requestReference}`,
      heading: 'Information held about you',
      marking: 'OFFICIAL – SENSITIVE: DRAFT FOR DISCLOSURE REVIEW',
    },
    (doc) => {
      doc
        .font('body')
        .fontSize(11)
        .text(`${bundle.subjectName}. Request ${bundle.requestReference}. Lantern id ${bundle.personId}.`)
      doc.moveDown(0.3).fontSize(9).fillColor('#505a5f').text(bundle.notice)
      for (const section of bundle.sections) {
        doc.moveDown(0.8).fillColor('#0b0c0c').font('bold').fontSize(14).text(section.title)
        if (section.entries.length === 0) {
          doc.font('body').fontSize(10).text('Nothing held.')
          continue
        }
        for (const entry of section.entries) {
          doc.moveDown(0.4).font('bold').fontSize(11).fillColor('#0b0c0c').text(entry.title)
          if (entry.fields.length === 0) doc.font('body').fontSize(10).text('No further details.')
          for (const [label, value] of entry.fields) {
            doc.font('bold').fontSize(10).text(`${label}: `, { continued: true }).font('body').text(value)
          }
        }
      }
      doc.moveDown(0.8).font('bold').fontSize(14).fillColor('#0b0c0c').text('Redactions')
      if (bundle.redactions.length === 0) doc.font('body').fontSize(10).text('Nothing was redacted.')
      for (const r of bundle.redactions) {
        doc
          .font('bold')
          .fontSize(10)
          .text(`[${r.id}] `, { continued: true })
          .font('body')
          .text(`${r.reason}. In: ${r.where}.`)
      }
      doc
        .moveDown()
        .font('body')
        .fontSize(8)
        .fillColor('#505a5f')
        .text(`Produced by Lantern on ${formatDateTime(new Date(bundle.generatedAt))}.`)
    },
  )
}
