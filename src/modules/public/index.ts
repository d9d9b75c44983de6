/** The public module's public API: other modules use only what this file exports. */
export { reportToReferral } from './public-report.form.ts'
export { registerPublicPages } from './public.pages.ts'
export { createPublicReportService } from './public-report.service.ts'
