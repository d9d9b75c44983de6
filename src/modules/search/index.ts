/** The search module's public API: other modules use only what this file exports. */
export { registerSearchRoutes } from './search.routes.ts'
export { createSearchService } from './search.service.ts'
