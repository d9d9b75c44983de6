/** The search module's public API: other modules use only what this file exports. */
export { createSearchService } from './search.service.ts'
