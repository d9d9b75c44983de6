/** The public module's public API: other modules use only what this file exports. */
export { reportToReferral } from './public-report.form.ts'
export { createPublicReportService } from './public-report.service.ts'
// The message files and translator the public pages use, for other documents given to the public in their language.
export { loadLanguages, translator, DEFAULT_LANGUAGE, type Language, type Translate } from './i18n.ts'
export { loadDemoPublicReports } from './public.demo.ts'
// The optional answers and attribution the problem profile counts (counts only, nothing about a reporter).
export { answerCounts as publicReportAnswerCounts } from './public-report.repository.ts'
export { HEARD_VIA_TEXT, PLACE_KIND_TEXT } from './public-report.form.ts'
