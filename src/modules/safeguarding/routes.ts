/** The safeguarding module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerSafeguardingPages } from './safeguarding.pages.ts'
export { registerSafeguardingApi } from './safeguarding.api.ts'
export { registerHubPages } from './hub.pages.ts'
export { registerHubApi } from './hub.api.ts'
