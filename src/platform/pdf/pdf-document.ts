import { createRequire } from 'node:module'
import PDFDocument from 'pdfkit'

// DejaVu covers Latin (with Vietnamese, Romanian, Polish, Albanian marks), Greek and Cyrillic names; the
// PDF standard fonts cannot print “Nguyễn” or “Ionuț”.
const require = createRequire(import.meta.url)
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')

export type PdfDoc = InstanceType<typeof PDFDocument>

/**
 * An A4 document in Lantern's house style: the protective marking top right in red, then the heading (the
 * document's title unless given), then whatever `build` writes in the fonts 'body' and 'bold'.
 */
export function renderPdf(
  options: { title: string; heading?: string; marking: string },
  build: (doc: PdfDoc) => void,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: options.title, Creator: 'Lantern' } })
    const chunks: Buffer[] = []
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
    doc.registerFont('body', FONT)
    doc.registerFont('bold', FONT_BOLD)
    doc.font('bold').fontSize(9).fillColor('#d4351c').text(options.marking, { align: 'right' })
    doc
      .fillColor('#0b0c0c')
      .font('bold')
      .fontSize(18)
      .text(options.heading ?? options.title)
    build(doc)
    doc.end()
  })
}
