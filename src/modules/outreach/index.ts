/** The outreach module's public API: other modules import from here only. */
export { SECTORS, type Sector } from './outreach.vocabulary.ts'
export { createOutreachService, resolveReferringOrganisation, type OutreachService } from './outreach.service.ts'
export { EVENT_KINDS } from './outreach.vocabulary.ts'
export { loadDemoOutreach } from './outreach.demo.ts'
