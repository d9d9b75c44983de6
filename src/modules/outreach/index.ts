/** The outreach module's public API: other modules import from here only. */
export { SECTORS, type Sector } from './outreach.vocabulary.ts'
export { createOutreachService, resolveReferringOrganisation, type OutreachService } from './outreach.service.ts'
