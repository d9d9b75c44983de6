import { join } from 'node:path'
import { ROOT } from '#src/platform/paths.ts'
import { renderPdf } from '#src/platform/pdf/pdf-document.ts'
import { TIME_ZONE } from '#src/shared/dates.ts'
import { loadLanguages, translator } from '#src/modules/public/index.ts'
import type { ServiceRow } from './support.repository.ts'

/**
 * The leaflet's words, one file per language in ./messages, read by the public pages' translator: adding a
 * language is adding a file, and a missing key falls back to English. Welsh is offered because the public pages
 * are (Welsh Language Act 1993 duties for public bodies in Wales); the Welsh is marked for a translator's review.
 */
const LANGUAGES = loadLanguages(join(ROOT, 'src/modules/support/messages'))
export const LEAFLET_LANGUAGES: readonly string[] = [...LANGUAGES.keys()]
export const leafletLanguageNames = () => [...LANGUAGES.values()].map((l) => ({ code: l.code, name: l.name }))

/** Services in the order a victim would look for them: victim care first, then the rest as the directory lists them. */
const byCategory = (a: ServiceRow, b: ServiceRow) =>
  Number(b.category === 'victim-care') - Number(a.category === 'victim-care') ||
  a.category.localeCompare(b.category) ||
  a.name.localeCompare(b.name)

export function supportLeafletPdf(services: readonly ServiceRow[], language: string): Promise<Buffer> {
  const t = translator(LANGUAGES, language)
  return renderPdf({ title: t('title'), marking: t('marking') }, (doc) => {
    doc.moveDown(0.5).font('body').fontSize(12).fillColor('#0b0c0c').text(t('intro'))
    doc.moveDown(0.5).font('bold').fontSize(11).text(t('safety'))
    doc.moveDown(0.8).font('bold').fontSize(14).text(t('services.heading')).moveDown(0.3)
    if (services.length === 0) doc.font('body').fontSize(11).text(t('services.none'))
    for (const s of [...services].sort(byCategory)) {
      doc.moveDown(0.4).font('bold').fontSize(12).fillColor('#0b0c0c').text(s.name)
      doc
        .font('body')
        .fontSize(10)
        .fillColor('#505a5f')
        .text(t(`category.${s.category}`))
      const welsh = language === 'cy'
      const offers = welsh && s.offers_cy ? s.offers_cy : s.offers
      doc.fillColor('#0b0c0c').fontSize(11).text(offers)
      // A description the force has not translated is shown in English with a note, rather than not at all.
      if (language !== 'en' && !(welsh && s.offers_cy))
        doc.fontSize(9).fillColor('#505a5f').text(t('service.englishOnly')).fillColor('#0b0c0c').fontSize(11)
      if (s.women_only) doc.text(t('service.womenOnly'))
      if (s.phone) doc.text(t('service.phone', { value: s.phone }))
      if (s.email) doc.text(t('service.email', { value: s.email }))
      if (s.website) doc.text(t('service.website', { value: s.website }))
      if (s.area) doc.text(t('service.area', { value: s.area }))
      if (s.languages.length) doc.text(t('service.languages', { value: s.languages.join(', ') }))
    }
    doc.moveDown(0.8).font('bold').fontSize(14).fillColor('#0b0c0c').text(t('always.heading')).moveDown(0.3)
    doc.font('body').fontSize(11)
    for (const key of ['always.emergency', 'always.helpline', 'always.victimCare']) doc.text(t(key)).moveDown(0.2)
    // The date in the leaflet's own language (Intl knows Welsh month names).
    const today = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : `${language}-GB`, {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: TIME_ZONE,
    }).format(new Date())
    doc
      .moveDown()
      .fontSize(8)
      .fillColor('#505a5f')
      .text(t('footer', { date: today }))
  })
}
