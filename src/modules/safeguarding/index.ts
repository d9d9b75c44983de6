/** The safeguarding module's public API: other modules use only what this file exports. */
export { loadDemoSafeguarding } from './safeguarding.demo.ts'
export { loadDemoHub } from './safeguarding.hub.demo.ts'
export { createSafeguardingService } from './safeguarding.service.ts'
