/** The strategic priorities module's public API: other modules import from here only. */
export { listPriorityTags, type PriorityTag, unknownPriorityTags } from './priority.repository.ts'
export { createPriorityService, type PriorityService } from './priority.service.ts'
