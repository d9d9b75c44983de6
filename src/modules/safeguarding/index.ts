/** The safeguarding module's public API: other modules use only what this file exports. */
export { loadDemoSafeguarding } from './safeguarding.demo.ts'
export { loadDemoHub } from './safeguarding.hub.demo.ts'
export { registerSafeguardingPages } from './safeguarding.pages.ts'
export { registerSafeguardingApi } from './safeguarding.api.ts'
export { registerHubPages } from './hub.pages.ts'
export { registerHubApi } from './hub.api.ts'
export { createSafeguardingService } from './safeguarding.service.ts'
